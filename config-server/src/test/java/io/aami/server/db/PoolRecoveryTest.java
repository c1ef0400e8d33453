package io.aami.server.db;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An external PostgreSQL that drops every connection of the server (a restart, a failover, an
 * administrator's {@code pg_terminate_backend}): the pool and the change feed recover unaided, and
 * no dead connection is lent out for ever.
 */
class PoolRecoveryTest {
    private static final String TERMINATE = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE datname = current_database() AND application_name LIKE 'aami-config-server%'";

    @Test
    void everyServerConnectionTerminatedThenTheServerWorksAgain() throws Exception {
        try (TestServer server = TestServer.start(Map.of())) {
            Api api = server.api();
            assertThat(api.post("/api/v1/groups", Map.of("name", "before"), ADMIN).status()).isEqualTo(201);
            assertThat(terminateAll(server)).as("the server's connections (pool and change feed)").isGreaterThanOrEqualTo(2);
            eventually(Duration.ofSeconds(10), "a write works again",
                    () -> api.post("/api/v1/groups", Map.of("name", "after-" + System.nanoTime()), ADMIN).status() == 201);
            for (int i = 0; i < 5; i++) {
                assertThat(api.post("/api/v1/groups", Map.of("name", "then-" + i), ADMIN).status()).isEqualTo(201);
            }
            eventually(Duration.ofSeconds(10), "ready again", () -> api.get("/ready", null).status() == 200);
            assertThat(api.get("/ready", null).json().get("database").asText()).isEqualTo("up");
            eventually(Duration.ofSeconds(15), "the change feed listens again", () -> listening(server));
        }
    }

    private static int terminateAll(TestServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.database().url(), server.database().user(), server.database().password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TERMINATE)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean listening(TestServer server) {
        try (Connection c = DriverManager.getConnection(server.database().url(), server.database().user(), server.database().password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND application_name = 'aami-config-server-listen'")) {
            return rs.next() && rs.getInt(1) == 1;
        } catch (Exception e) {
            return false;
        }
    }
}
