package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real agent, in this JVM, against a real config-server on a real PostgreSQL. */
class AgentLifecycleTest {
    static final Map<String, String> FAST = Map.of("AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms");

    @TempDir
    Path dir;

    AgentConfig config(int serverPort, String token) {
        Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + serverPort, token);
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        env.put("AAMI_AGENT_LABELS", "env=test");
        // A deleted target's 401s lead to enrolling again only once they persist (3 in a row over this long).
        env.put("AAMI_SERVER_REENROLL_AFTER", "2s");
        return AgentConfigLoader.load(null, env);
    }

    static String token(Api api, int maxUses) {
        return Fixtures.bootstrapToken(api, maxUses, Map.of());
    }


    static JsonNode target(TestServer s, UUID id) {
        return s.api().get("/api/v1/targets/" + id, ADMIN).json();
    }

    @Test
    void enrollsHeartbeatsAndReusesItsCredentialAfterARestart() throws Exception {
        try (TestServer server = TestServer.start(FAST)) {
            String token = token(server.api(), 1);
            AgentConfig cfg = config(server.port(), token);
            UUID id;
            try (Agent agent = AgentMain.start(cfg, io.aami.agent.identity.AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                id = agent.agentId();
                eventually(Duration.ofSeconds(10), () -> "online".equals(target(server, id).path("status").asText())
                        && target(server, id).path("uptime_seconds").asLong() >= 1);
            }
            JsonNode t = target(server, id);
            assertThat(t.get("labels").get("env").asText()).isEqualTo("test");
            assertThat(t.get("agent_version").asText()).isNotBlank();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/credentials.json")))).isEqualTo("rw-------");
            assertThat(Files.readString(dir.resolve("state/credentials.json"))).doesNotContain(token);

            Instant before = Instant.parse(target(server, id).get("last_heartbeat_at").asText());
            try (Agent again = AgentMain.start(cfg, io.aami.agent.identity.AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                assertThat(again.agentId()).isEqualTo(id);
                eventually(Duration.ofSeconds(10), () -> Instant.parse(target(server, id).get("last_heartbeat_at").asText()).isAfter(before));
            }
            assertThat(server.api().get("/api/v1/targets", ADMIN).json().size()).isEqualTo(1);
            assertThat(server.api().get("/api/v1/bootstrap-tokens", ADMIN).json().get(0).get("uses").asInt()).isEqualTo(1);
        }
    }

    @Test
    void keepsRetryingUntilTheServerAppearsAndStopsPromptly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestDatabase.Coordinates db = TestDatabase.fresh();
        Map<String, String> env = new HashMap<>(FAST);
        env.put("AAMI_LISTEN", "127.0.0.1:" + port);
        String token;
        try (TestServer first = TestServer.start(env, db, Clock.systemUTC())) {
            token = token(first.api(), 1);
        }
        AgentConfig cfg = config(port, token);
        Agent agent = AgentMain.start(cfg, io.aami.agent.identity.AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
        try {
            Thread.sleep(2_000);
            try (TestServer server = TestServer.start(env, db, Clock.systemUTC())) {
                eventually(Duration.ofSeconds(20), () -> target(server, agent.agentId()).path("status").asText().equals("online"));
            }
            Thread.sleep(1_500);
        } finally {
            long t0 = System.nanoTime();
            agent.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anAgentWhoseTargetWasDeletedStopsAndDoesNotComeBackUnderTheRetiredId() throws Exception {
        try (TestServer server = TestServer.start(FAST)) {
            AgentConfig cfg = config(server.port(), token(server.api(), 2));
            try (Agent agent = AgentMain.start(cfg, io.aami.agent.identity.AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(10), () -> target(server, id).path("status").asText().equals("online"));
                assertThat(server.api().delete("/api/v1/targets/" + id, ADMIN).status()).isEqualTo(204);
                // The credential is rejected, the agent tries to enroll again and is refused: the id is retired.
                eventually(Duration.ofSeconds(15), () -> server.api().get("/api/v1/bootstrap-tokens", ADMIN).json().get(0)
                        .path("uses").asInt() == 1 && uses(server).contains("AGENT_ID_RETIRED"));
                assertThat(server.api().get("/api/v1/targets/" + id, ADMIN).status()).isEqualTo(404);
                assertThat(agent.agentId()).isEqualTo(id);
            }
        }
    }

    @Test
    void aRevokedAgentKeepsRetryingWithItsCredentialAndNeverEnrollsAgain() throws Exception {
        try (TestServer server = TestServer.start(FAST)) {
            AgentConfig cfg = config(server.port(), token(server.api(), 2));
            try (Agent agent = AgentMain.start(cfg, io.aami.agent.identity.AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(10), () -> target(server, id).path("status").asText().equals("online"));
                assertThat(server.api().post("/api/v1/targets/" + id + "/revoke", Map.of(), ADMIN).status()).isEqualTo(200);
                // 403 AGENT_REVOKED refuses the request, it does not say the credential is stale: the agent never
                // gives up its credential for a registration (with the bootstrap token) that revocation refuses anyway.
                // Far longer than 3 heartbeat rejections over server.reenroll_after (2s) take.
                Thread.sleep(12_000);
                assertThat(uses(server)).doesNotContain("AGENT_REVOKED").doesNotContain("AGENT_ID_RETIRED");
                assertThat(server.api().get("/api/v1/bootstrap-tokens", ADMIN).json().get(0).path("uses").asInt()).isEqualTo(1);
            }
        }
    }

    static String uses(TestServer server) {
        String tokenId = server.api().get("/api/v1/bootstrap-tokens", ADMIN).json().get(0).get("id").asText();
        return server.api().get("/api/v1/bootstrap-tokens/" + tokenId + "/uses", ADMIN).body();
    }
}
