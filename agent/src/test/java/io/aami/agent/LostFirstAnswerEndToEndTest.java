package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent's first registration reaches the real server, which commits, but the answer is lost
 * on the way back. The agent retries the identical request and ends up enrolled, with the single use
 * of a single-use bootstrap token (before, every retry met 409 until an operator deleted the target).
 */
class LostFirstAnswerEndToEndTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void theAgentEndsUpEnrolledWithOneBootstrapTokenUse() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_HEARTBEAT_INTERVAL", "1s"));
             AnswerDroppingProxy proxy = new AnswerDroppingProxy(server.port())) {
            Api admin = server.api();
            String bootstrap = Fixtures.bootstrapToken(admin, 1, Map.of());
            Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + proxy.port(), bootstrap);
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            UUID id;
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                id = agent.agentId();
                eventually(Duration.ofSeconds(30), () -> admin.get("/api/v1/targets/" + id, ADMIN).json()
                        .path("uptime_seconds").asLong() >= 1);
            }
            assertThat(proxy.dropped()).as("the first answer was lost").isEqualTo(1);
            assertThat(proxy.registrations()).isGreaterThanOrEqualTo(2);
            String tokenId = bootstrap.substring(5, 11);
            assertThat(admin.get("/api/v1/bootstrap-tokens/" + tokenId, ADMIN).json().get("uses").asInt()).isEqualTo(1);
            JsonNode audit = admin.get("/api/v1/bootstrap-tokens/" + tokenId + "/uses", ADMIN).json();
            assertThat(audit.findValuesAsText("outcome")).containsExactlyInAnyOrder("enrolled", "retried");
            String agentToken = new ObjectMapper().readTree(cfg.credentialsFile().toFile()).get("agent_token").asText();
            assertThat(agentToken).matches("aami_agent_[a-z0-9]{43}");
            assertThat(server.api().post("/api/v1/agents/" + id + "/heartbeat", Map.of("agent_version", "t"), agentToken).status())
                    .as("the token the agent chose is its credential").isEqualTo(200);
            assertThat(cfg.pendingEnrollmentFile()).doesNotExist();
            assertThat(Files.readString(cfg.credentialsFile())).doesNotContain(bootstrap);
        }
    }
}
