package io.aami.agent.probes;

import io.aami.contract.probes.ProbeResult;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The results of one {@link ProbeEngine#runAll} call, in the order of its probes, and the one thread waiting
 * for them. The loop stores each result in its slot and wakes the waiter once, after the last: a batch of
 * 1,000 probes costs one wakeup, where a future per probe cost 1,000 completions on the completion thread and
 * a tree of {@code allOf} nodes. Storing runs no caller code, so the loop does it itself ({@link #direct()}).
 */
final class ProbeBatch implements ResultSink {
    private final ProbeResult[] results;
    private final AtomicInteger remaining;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);

    ProbeBatch(int size) {
        results = new ProbeResult[size];
        remaining = new AtomicInteger(size);
        if (size == 0) {
            done.countDown();
        }
    }

    @Override
    public void complete(int index, ProbeResult result) {
        results[index] = result;
        if (remaining.decrementAndGet() == 0) {
            done.countDown();
        }
    }

    /**
     * The first failure fails the whole batch (its caller gets no partial list), but only once every probe of it
     * is finished: the waiting caller is the local API's only back-pressure, and waking it early let it queue the
     * next call while this one's probes still waited for the loop.
     */
    @Override
    public void fail(int index, Throwable f) {
        failure.compareAndSet(null, f);
        if (remaining.decrementAndGet() == 0) {
            done.countDown();
        }
    }

    @Override
    public boolean direct() {
        return true;
    }

    /**
     * Waits for every result; the latch orders the loop's stores before this read.
     *
     * @throws IllegalStateException (or the prober's own exception) when a probe could not finish
     */
    List<ProbeResult> await() throws InterruptedException {
        done.await();
        Throwable f = failure.get();
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f.getMessage(), f);
        }
        return Arrays.asList(results);
    }
}
