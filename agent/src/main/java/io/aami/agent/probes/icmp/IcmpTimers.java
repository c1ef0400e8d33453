package io.aami.agent.probes.icmp;

import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The {@link IcmpLoop} thread's timers: each run's next send ({@code pending} null) and each echo's timeout, in
 * {@link System#nanoTime} order (compared by difference, so a wrap of nanoTime keeps the order), ties in the order
 * they were scheduled. Not thread-safe: the loop thread alone touches it.
 */
final class IcmpTimers {
    /** A run's next send ({@code pending} null) or an echo's timeout. */
    record Timer(long at, long order, IcmpRun run, IcmpRun.Pending pending) {
    }

    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at - b.at, 0)
            : Long.compare(a.order, b.order));
    private long order;

    void schedule(long at, IcmpRun run, IcmpRun.Pending pending) {
        timers.add(new Timer(at, order++, run, pending));
    }

    /**
     * Hands at most {@code budget} timers due by now to {@code due}, earliest first; {@code due} may schedule
     * more (a later one waits for the next call even if due already).
     */
    void runDue(int budget, Consumer<Timer> due) {
        long now = System.nanoTime();
        Timer t;
        while (budget-- > 0 && (t = timers.peek()) != null && t.at - now <= 0) {
            timers.poll();
            due.accept(t);
            now = System.nanoTime();
        }
    }

    /** poll(2)'s timeout until the earliest timer: -1 (none), else rounded up to the millisecond, at most a minute. */
    int waitMillis() {
        Timer next = timers.peek();
        long waitNanos = next == null ? -1 : Math.max(0, next.at - System.nanoTime());
        return waitNanos < 0 ? -1 : (int) Math.min(60_000, (waitNanos + 999_999) / 1_000_000);
    }

    /** Empties the queue, handing every timer to {@code each} (in no particular order): the loop's shutdown. */
    void drain(Consumer<Timer> each) {
        for (Timer t : timers) {
            each.accept(t);
        }
        timers.clear();
    }
}
