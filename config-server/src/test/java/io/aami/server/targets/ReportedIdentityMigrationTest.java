package io.aami.server.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V009 on a database that already holds targets: an enrolled target's hostname and address were its
 * agent's last report (every enrollment wrote them), so they become {@code reported_*}; its merged labels
 * cannot be split, so {@code reported_labels} waits for the next enrollment; a pending target has no report.
 */
class ReportedIdentityMigrationTest {
    static final UUID PENDING = UUID.fromString("00000000-0000-4000-8000-000000000001");
    static final UUID ENROLLED = UUID.fromString("00000000-0000-4000-8000-000000000002");

    @Test
    void existingRowsGetTheReportTheyAlreadyHold() throws SQLException {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        migrate(db, "8");
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO targets (id, hostname, labels, status, created_at, updated_at) VALUES ('" + PENDING
                    + "', 'planned', '{\"owner\": \"tf\"}', 'pending', now(), now())");
            s.execute("INSERT INTO targets (id, hostname, ip_address, labels, status, agent_token_sha256, registered_at, "
                    + "created_at, updated_at) VALUES ('" + ENROLLED + "', 'booted', '10.0.0.5', '{\"role\": \"web\"}', 'online', "
                    + "'\\x01'::bytea, now(), now(), now())");
        }
        migrate(db, "latest");

        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            TargetStore store = new TargetStore();
            Target pending = store.find(c, PENDING).orElseThrow();
            assertThat(pending.reportedHostname()).isNull();
            assertThat(pending.reportedIp()).isNull();
            assertThat(pending.reportedLabels()).isNull();
            assertThat(pending.labels()).isEqualTo(Map.of("owner", "tf"));

            Target enrolled = store.find(c, ENROLLED).orElseThrow();
            assertThat(enrolled.hostname()).isEqualTo("booted");
            assertThat(enrolled.reportedHostname()).isEqualTo("booted");
            assertThat(enrolled.reportedIp()).isEqualTo("10.0.0.5");
            assertThat(enrolled.reportedLabels()).isNull();
            assertThat(enrolled.labels()).isEqualTo(Map.of("role", "web"));
        }
    }

    private static void migrate(TestDatabase.Coordinates db, String target) {
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).locations("classpath:db/migration")
                .target(target).load().migrate();
    }
}
