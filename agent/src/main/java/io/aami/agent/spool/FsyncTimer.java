package io.aami.agent.spool;

import io.aami.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link FsyncPolicy#INTERVAL} sync on one daemon thread, every interval until closed. */
final class FsyncTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FsyncTimer.class);

    private final ScheduledExecutorService executor;

    FsyncTimer(String threadName, Duration interval, Runnable sync) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> DaemonThreads.thread(threadName, r));
        long ms = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(() -> {
            // An exception would cancel the schedule and silently end durability; log and go on.
            try {
                sync.run();
            } catch (RuntimeException e) {
                LOG.warn("spool fsync failed: {}", e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Lets a running sync finish (no interrupt: it would not stop an fsync anyway), cancels the rest. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("spool fsync thread still busy after 10 s; leaving it behind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
