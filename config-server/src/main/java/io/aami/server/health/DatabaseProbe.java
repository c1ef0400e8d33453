package io.aami.server.health;

import io.aami.server.db.Database;
import io.aami.server.db.DatabaseLife;
import io.aami.server.db.Migrations;
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
    private final Migrations migrations;
    private volatile boolean reachable;
    private ScheduledFuture<?> task;

    public DatabaseProbe(Database db, Migrations migrations) {
        this.db = db;
        this.migrations = migrations;
    }

    public void start(ScheduledExecutorService scheduler, Duration every) {
        probe();
        task = scheduler.scheduleWithFixedDelay(this::probe, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean reachable() {
        return reachable;
    }

    /** True while the embedded postmaster died and is being brought back (its supervisor's state). */
    public boolean restarting() {
        return DatabaseLife.RESTARTING.equals(db.life().state());
    }

    /** Why the database process is being restarted, when known. */
    public String restartReason() {
        return db.life().reason();
    }

    /** True when no migration is pending. */
    public boolean migrationsCurrent() {
        return migrations.upToDate();
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
