package io.aami.agent.api;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap that answers being written may hold. A request gives its body slot back once its answer is
 * built, so a client that never reads cannot keep the slot; but the answer stays on the heap until the
 * client takes it or the JDK server's response timeout closes the connection, and a /run_tasks answer
 * can be some 5 MB. Answers above {@link #SMALL_BYTES} therefore take their size from this budget of
 * {@link #MAX_BYTES} before the slot is given back (waiting up to {@link #WAIT_MILLIS}, else 503
 * {@code BUSY}), and give it back once written or dropped. Small answers (every /check-results receipt,
 * a few probes) need none of it: clients that never read cannot delay them.
 */
final class AnswerBytes {
    static final int SMALL_BYTES = 64 * 1024;
    static final int MAX_BYTES = 16 * 1024 * 1024;
    static final long WAIT_MILLIS = 2_000;

    private final Semaphore bytes = new Semaphore(MAX_BYTES);

    /** What an answer of {@code length} bytes takes from the budget: nothing when small, at most all of it. */
    static int cost(int length) {
        return length <= SMALL_BYTES ? 0 : Math.min(length, MAX_BYTES);
    }

    /** Takes {@code cost} bytes, waiting at most {@link #WAIT_MILLIS}; else 503 {@code BUSY}. */
    void take(int cost, Exchange ex) {
        if (cost == 0) {
            return;
        }
        boolean taken;
        try {
            taken = bytes.tryAcquire(cost, WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = false;
        }
        if (!taken) {
            ex.responseHeader("Retry-After", "1");
            throw new LocalApiException(503, "BUSY", "the local API is still writing " + MAX_BYTES
                    + " bytes of other answers their clients have not taken; retry in 1 s");
        }
    }

    void give(int cost) {
        if (cost > 0) {
            bytes.release(cost);
        }
    }
}
