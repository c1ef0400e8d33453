package io.aami.server.health;

import io.aami.server.db.Database;
import io.aami.server.db.DatabaseLife;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pings the database in the background so {@code /ready} answers instantly from the last result:
 * an orchestrator's readiness probe (often a 1 s timeout) must not wait on a pool timeout.
 */
public final class DatabaseProbe implements AutoCloseable {
    private final Database db;
    private volatile boolean reachable;
    private ScheduledFuture<?> task;

    public DatabaseProbe(Database db) {
        this.db = db;
    }

    public void start(ScheduledExecutorService scheduler, Duration every) {
        probe();
        task = scheduler.scheduleWithFixedDelay(this::probe, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean reachable() {
        return reachable;
    }

    /** What the server knows about the database process itself (the embedded one's supervisor state). */
    public DatabaseLife life() {
        return db.life();
    }

    private void probe() {
        reachable = db.ping(Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
