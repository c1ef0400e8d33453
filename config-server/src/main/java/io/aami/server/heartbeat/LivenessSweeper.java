package io.aami.server.heartbeat;

import io.aami.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import io.aami.server.db.Duties;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks online targets offline once their deadline (last heartbeat + missed × interval) passes:
 * one statement per sweep, a sequential scan of targets (offline_after is not indexed, so that
 * heartbeats update in place). One replica sweeps at a time (the duty
 * {@code liveness_sweep}, {@link Duties}); the statement is idempotent anyway. Because the deadline is stored, a restarted server neither forgets
 * who is offline nor believes everyone is online.
 */
public final class LivenessSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivenessSweeper.class);

    private final Database db;
    private final HeartbeatStore store;
    private final Clock clock;
    private ScheduledFuture<?> task;

    public LivenessSweeper(Database db, Clock clock) {
        this.db = db;
        this.store = new HeartbeatStore();
        this.clock = clock;
    }

    public void start(Duties duties, Duration every) {
        task = duties.schedule("liveness_sweep", Duration.ZERO, every, this::sweepQuietly);
    }

    /** Runs one sweep now; returns how many targets went offline. */
    public int sweep() {
        List<HeartbeatStore.Transition> gone = db.inTransaction(c -> store.markOffline(c, clock.instant()));
        gone.forEach(t -> LOG.warn("target {} ({}) is offline: no heartbeat before its deadline", t.id(), t.hostname()));
        return gone.size();
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("liveness sweep failed: {}", e.getMessage());
        }
    }
}
