package io.aami.agent.util;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One switch every agent loop waits on, so shutdown interrupts any sleep at once. */
public final class StopSignal {
    private final CountDownLatch latch = new CountDownLatch(1);

    public void stop() {
        latch.countDown();
    }

    public boolean stopped() {
        return latch.getCount() == 0;
    }

    /** Sleeps up to {@code d}; returns true if the agent is stopping. */
    public boolean await(Duration d) {
        try {
            return latch.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
