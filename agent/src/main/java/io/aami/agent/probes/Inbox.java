package io.aami.agent.probes;

import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What other threads hand the loop: new attempts, DNS answers and ICMP outcomes. Posting wakes the selector at
 * most once per loop iteration: the loop {@link #rearm() rearms} before draining, and a poster
 * calls {@link Selector#wakeup()} only if it is the first since then, so a burst of 10,000
 * submissions costs one wakeup, not 10,000. It also counts the attempts queued and not yet started (here or in
 * the loop's waiting queue), so callers can be refused before they queue past a bound ({@link #reserve}).
 */
final class Inbox {
    private final Selector selector;
    private final ConcurrentLinkedQueue<ProbeAttempt> submitted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TargetResolver.Resolution> resolved = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<IcmpDone> icmpDone = new ConcurrentLinkedQueue<>();

    /** An ICMP probe's outcome, from the pinger's thread. */
    record IcmpDone(ProbeAttempt attempt, io.aami.agent.probes.icmp.IcmpOutcome outcome) {
    }
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean closed;

    Inbox(Selector selector) {
        this.selector = selector;
    }

    /** Queues {@code attempt}, counted as queued until the loop {@link #started() starts} it. */
    void submit(ProbeAttempt attempt) {
        queued.incrementAndGet();
        submitted.offer(attempt);
        wake();
    }

    /**
     * Claims room for {@code n} attempts while fewer than {@code limit} would then be queued; the caller then
     * {@link #submitReserved submits} them. False (nothing claimed) when they do not fit.
     */
    boolean reserve(int n, int limit) {
        int now;
        do {
            now = queued.get();
            if (now + n > limit) {
                return false;
            }
        } while (!queued.compareAndSet(now, now + n));
        return true;
    }

    /** Queues an attempt whose room {@link #reserve} claimed. */
    void submitReserved(ProbeAttempt attempt) {
        submitted.offer(attempt);
        wake();
    }

    /** The loop took a queued attempt out of the queue (it started, or failed on close). */
    void started() {
        queued.decrementAndGet();
    }

    int queued() {
        return queued.get();
    }

    void resolved(TargetResolver.Resolution resolution) {
        resolved.offer(resolution);
        wake();
    }

    void icmpDone(ProbeAttempt attempt, io.aami.agent.probes.icmp.IcmpOutcome outcome) {
        icmpDone.offer(new IcmpDone(attempt, outcome));
        wake();
    }

    IcmpDone pollIcmpDone() {
        return icmpDone.poll();
    }

    ProbeAttempt pollSubmitted() {
        return submitted.poll();
    }

    TargetResolver.Resolution pollResolved() {
        return resolved.poll();
    }

    /** Called by the loop before it drains: a post after this point wakes the next select. */
    void rearm() {
        wakePending.set(false);
    }

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        selector.wakeup();
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }
}
