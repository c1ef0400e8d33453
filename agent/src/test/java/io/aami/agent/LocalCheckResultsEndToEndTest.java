package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result a local script posts to the real agent's {@code POST /check-results}, in the agent design's
 * exact body, reaches the real server exactly once, also when the agent is restarted between taking it
 * and delivering it, and shows in the server's result API and {@code aami_check_status}.
 */
class LocalCheckResultsEndToEndTest {
    static final String SEED_BODY = "{\"results\":[{\"check_id\":\"disk-space\",\"status\":\"critical\",\"exit_code\":2,"
            + "\"output\":\"Disk usage 95%\",\"duration_ms\":150,\"executed_at\":\"2024-01-15T10:30:00Z\"}]}";

    @TempDir
    Path dir;

    @Test
    void theSeedsBodyPostedToTheAgentIsStoredOnceAcrossARestart() throws Exception {
        Map<String, String> serverEnv = new HashMap<>(ChecksEndToEndTest.SERVER);
        serverEnv.put("AAMI_METRICS_MAX_AGE", "100ms");
        try (TestServer server = TestServer.start(serverEnv)) {
            Api api = server.api();
            // The agent runs the check too (hourly); its own runs say something else, so the posted one is countable.
            Fixtures.createCheck(api, Fixtures.check("disk-space", "echo scheduled; exit 2", 3600, Map.of("global", true)));
            Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + server.port(), Fixtures.bootstrapToken(api, 1, Map.of()));
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            TestAgentConfig.quick(env);

            // First life: results wait an hour in the spool before they are sent, so the restart comes mid-way.
            env.put("AAMI_CHECKS_FLUSH_INTERVAL", "1h");
            UUID id;
            int port = freePort();
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + port);
            AgentConfig slow = AgentConfigLoader.load(null, env);
            try (Agent agent = AgentMain.start(slow, AgentIdFile.readOrCreate(slow.agent().idFile()), Clock.systemUTC())) {
                id = agent.agentId();
                eventually(Duration.ofSeconds(30), () -> post(port, SEED_BODY) == 202);
                assertThat(posted(api, id)).as("still in the spool").isZero();
            }

            env.put("AAMI_CHECKS_FLUSH_INTERVAL", "200ms");
            int port2 = freePort();
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + port2);
            AgentConfig quick = AgentConfigLoader.load(null, env);
            try (Agent agent = AgentMain.start(quick, AgentIdFile.readOrCreate(quick.agent().idFile()), Clock.systemUTC())) {
                eventually(Duration.ofSeconds(30), () -> posted(api, id) == 1);
                String check = "agent_id=\"" + id + "\",check=\"disk-space\"";
                eventually(Duration.ofSeconds(30), () -> api.get("/metrics", null).body().contains("aami_check_status{" + check));
                assertThat(api.get("/metrics", null).body()).containsPattern("aami_check_status\\{" + check + "[^}]*} 2");
            }
            // A third life finds nothing left to send: the spool dropped what the server acknowledged.
            try (Agent agent = AgentMain.start(quick, AgentIdFile.readOrCreate(quick.agent().idFile()), Clock.systemUTC())) {
                eventually(Duration.ofSeconds(30), () -> post(port2, "{\"results\":[{\"check_id\":\"disk-space\",\"status\":\"ok\","
                        + "\"exit_code\":0,\"output\":\"marker\",\"duration_ms\":1,\"executed_at\":\"2024-01-15T10:31:00Z\"}]}") == 202);
                eventually(Duration.ofSeconds(30), () -> history(api, id).toString().contains("marker"));
            }
            assertThat(posted(api, id)).as("stored exactly once").isEqualTo(1);
            JsonNode row = null;
            for (JsonNode r : history(api, id)) {
                row = r.get("output").asText().equals("Disk usage 95%") ? r : row;
            }
            assertThat(row.get("status").asText()).isEqualTo("critical");
            assertThat(row.get("exit_code").asInt()).isEqualTo(2);
            assertThat(row.get("duration_ms").asLong()).isEqualTo(150);
            assertThat(row.get("executed_at").asText()).isEqualTo("2024-01-15T10:30:00Z");
        }
    }

    static JsonNode history(Api api, UUID id) {
        return api.get("/api/v1/targets/" + id + "/check-results?since=2024-01-01T00:00:00Z&limit=1000", ADMIN).json();
    }

    /** History rows of the posted result (the agent's own runs say "scheduled"). */
    static long posted(Api api, UUID id) {
        long n = 0;
        for (JsonNode r : history(api, id)) {
            n += r.get("output").asText().equals("Disk usage 95%") ? 1 : 0;
        }
        return n;
    }

    /** The status of posting {@code body} to the agent's local API, or -1 while it is not up. */
    static int post(int port, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/check-results"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
