package io.aami.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.json.WireJson;
import io.aami.server.config.ServerConfigLoader;
import io.aami.server.db.Database;
import io.aami.server.db.Migrations;
import io.aami.server.security.Principal;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code audit.retention}: events older than it are deleted, in bounded batches; younger ones stay. */
class AuditRetentionTest {
    static TestDatabase.Coordinates coordinates;
    static Database db;

    @BeforeAll
    static void database() {
        coordinates = TestDatabase.fresh();
        db = Database.connect(coordinates.url(), coordinates.user(), coordinates.password(), 2);
        new Migrations(db, Clock.systemUTC()).migrate(Duration.ofSeconds(30));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void eventsOlderThanTheRetentionGoInBoundedBatches() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        AuditTrail trail = new AuditTrail(new AuditStore(), WireJson.mapper(), clock);
        record(trail, 35);
        clock.advance(Duration.ofDays(200));
        record(trail, 2);
        clock.advance(Duration.ofDays(200));
        AuditRetention retention = new AuditRetention(db, new AuditStore(), Duration.ofDays(365), clock, 10, 3);

        assertThat(retention.prune()).as("at most 3 batches of 10 a run").isEqualTo(30);
        assertThat(AuditRows.count(coordinates)).isEqualTo(7);
        assertThat(retention.prune()).isEqualTo(5);
        assertThat(retention.prune()).isZero();
        assertThat(AuditRows.count(coordinates)).as("the two younger than a year").isEqualTo(2);

        clock.advance(Duration.ofDays(200));
        assertThat(new AuditRetention(db, new AuditStore(), Duration.ofDays(365), clock).prune()).isEqualTo(2);
    }

    @Test
    void retentionIsAConfigKeyDefaultingToAYear() {
        assertThat(ServerConfigLoader.load(null, Map.of()).audit().retention()).isEqualTo(Duration.ofDays(365));
        assertThat(ServerConfigLoader.load(null, Map.of("AAMI_AUDIT_RETENTION", "30d")).audit().retention()).isEqualTo(Duration.ofDays(30));
    }

    private static void record(AuditTrail trail, int n) {
        Actor actor = Actor.of(Principal.breakGlass(), "192.0.2.1");
        db.inTransaction(c -> {
            for (int i = 0; i < n; i++) {
                trail.record(c, actor, Change.created(Change.GROUP, UUID.randomUUID(), Map.of("name", "g" + i)));
            }
            return null;
        });
    }
}
