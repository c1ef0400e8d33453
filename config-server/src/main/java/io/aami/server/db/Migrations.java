package io.aami.server.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code db/migration/V###__verb_noun.sql} with Flyway before the API serves anything.
 * Several replicas may start at once; Flyway's advisory lock lets exactly one migrate.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final Database db;
    private final Clock clock;
    private volatile boolean current;

    public Migrations(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Waits up to {@code patience} for the database to answer, then migrates; throws if it never does. */
    public int migrate(Duration patience) {
        Instant deadline = clock.instant().plus(patience);
        long backoffMs = 250;
        while (!db.ping(Duration.ofSeconds(2))) {
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("database did not answer within " + patience.toSeconds() + "s");
            }
            LOG.warn("database not reachable yet; retrying in {} ms", backoffMs);
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 5_000);
        }
        try {
            int applied = flyway().migrate().migrationsExecuted;
            current = true;
            LOG.info("database schema up to date ({} migrations applied now)", applied);
            return applied;
        } catch (FlywayException e) {
            throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
        }
    }

    /** True when every known migration has been applied (readiness); cached once true. */
    public boolean upToDate() {
        if (current) {
            return true;
        }
        try {
            current = flyway().info().pending().length == 0;
            return current;
        } catch (FlywayException e) {
            return false;
        }
    }

    private Flyway flyway() {
        return Flyway.configure()
                .dataSource(db.dataSource())
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }
}
