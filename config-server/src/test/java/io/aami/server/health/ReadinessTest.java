package io.aami.server.health;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs its own PostgreSQL so it can pull the plug on it. */
class ReadinessTest {
    @Test
    void readyFollowsTheDatabaseAndRequestsGet503WithRetryAfter() throws Exception {
        Path dir = Files.createTempDirectory("aami-ready-pg");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).start();
        int port = pg.getPort();
        TestDatabase.Coordinates db = new TestDatabase.Coordinates(pg.getJdbcUrl("postgres", "postgres"), null, null);
        try (TestServer server = TestServer.start(Map.of(), db, Clock.systemUTC())) {
            Api api = server.api();
            assertThat(api.get("/health", null).status()).isEqualTo(200);
            Api.Reply ready = api.get("/ready", null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("ready");
            Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "h", null);
            String check = Fixtures.createCheck(api, Fixtures.check("c", "true", 10, Map.of("global", true)));
            Map<String, Object> results = Map.of("results", List.of(Map.of("seq", 1, "check_id", check, "status", "ok",
                    "output", "", "duration_ms", 1, "executed_at", Instant.now().toString())));

            pg.close();
            eventually(java.time.Duration.ofSeconds(20), () -> api.get("/ready", null).status() == 503);
            Api.Reply ingest = api.post("/api/v1/agents/" + agent.id() + "/check-results", results, agent.token());
            assertThat(ingest.status()).as("never a 2xx while the database is down").isEqualTo(503);
            assertThat(ingest.header("Retry-After")).isPresent();
            Api.Reply notReady = api.get("/ready", null);
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.header("Retry-After")).isPresent();
            assertThat(notReady.json().get("code").asText()).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(notReady.json().get("database").asText()).isEqualTo("unreachable");
            assertThat(api.get("/health", null).status()).isEqualTo(200);
            Api.Reply refused = api.post("/api/v1/groups", Map.of("name", "while-down"), ADMIN);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("code").asText()).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(refused.header("Retry-After")).contains("5");

            pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
            eventually(java.time.Duration.ofSeconds(20), () -> api.get("/ready", null).status() == 200);
            assertThat(api.post("/api/v1/groups", Map.of("name", "after"), ADMIN).status()).isEqualTo(201);
            Api.Reply afterwards = api.post("/api/v1/agents/" + agent.id() + "/check-results", results, agent.token());
            assertThat(afterwards.status()).as(afterwards.toString()).isEqualTo(200);
            assertThat(afterwards.json().get("accepted").asInt()).isEqualTo(1);
        } finally {
            pg.close();
        }
    }

}
