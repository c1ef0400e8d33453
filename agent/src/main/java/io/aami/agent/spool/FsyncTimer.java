package io.aami.agent.spool;

import io.aami.agent.util.SharedTimer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link FsyncPolicy#INTERVAL} sync every interval until closed, on a {@link SharedTimer}'s disk
 * thread (the timer thread only triggers it: a slow fsync must not delay check and probe starts), or on a
 * timer of its own when given none.
 */
final class FsyncTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FsyncTimer.class);

    private final SharedTimer ownTimer;
    private final SharedTimer.Lease lease;

    FsyncTimer(String threadName, Duration interval, Runnable sync, SharedTimer shared) {
        ownTimer = shared == null ? new SharedTimer(threadName) : null;
        lease = (shared == null ? ownTimer : shared).lease();
        long ms = Math.max(1, interval.toMillis());
        lease.scheduleOnDiskWithFixedDelay(() -> {
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
        lease.close();
        if (ownTimer != null) {
            ownTimer.close();
        }
    }
}
