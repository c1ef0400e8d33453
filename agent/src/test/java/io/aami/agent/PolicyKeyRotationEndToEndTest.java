package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.AgentIdFile;
import io.aami.common.json.WireJson;
import io.aami.server.cli.CommandContext;
import io.aami.server.cli.PolicyCommand;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator rotates the policy-signing key; a running agent follows the statement the old key signed. */
class PolicyKeyRotationEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aRunningAgentFollowsARotationSignedByThePinnedKey() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("server");
        Map<String, String> env = Map.of("AAMI_LISTEN", "127.0.0.1:" + port, "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms", "AAMI_DATA_DIR", data.toString());
        TestDatabase.Coordinates db = TestDatabase.fresh();
        String oldKey;
        AgentConfig cfg;
        try (TestServer server = TestServer.start(env, db, Clock.systemUTC())) {
            Api api = server.api();
            Fixtures.createCheck(api, Fixtures.check("before", "echo before", 1, Map.of("global", true)));
            cfg = TestAgentConfig.plainAndQuick(dir, port, Fixtures.bootstrapToken(api, 1, Map.of()));
            oldKey = api.get("/api/v1/policy-key", null).json().get("key_id").asText();
        }
        try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
            UUID id = agent.agentId();
            try (TestServer server = TestServer.start(env, db, Clock.systemUTC())) {
                eventually(Duration.ofSeconds(30), () -> Files.exists(dir.resolve("state/policy.floor")));
                assertThat(pinnedKeyId()).isEqualTo(oldKey);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = new PolicyCommand(CommandContext.of(Map.of(), new PrintStream(out), new PrintStream(err), Clock.systemUTC()))
                    .run(List.of("rotate-key", "--data-dir", data.toString()));
            assertThat(rc).as(err.toString()).isZero();
            assertThat(out.toString()).contains(oldKey);

            try (TestServer server = TestServer.start(env, db, Clock.systemUTC())) {
                Api api = server.api();
                JsonNode info = api.get("/api/v1/policy-key", null).json();
                String newKey = info.get("key_id").asText();
                assertThat(newKey).isNotEqualTo(oldKey);
                assertThat(info.get("rotations")).hasSize(1);
                // A change, so the agent's next bundle is signed by the new key.
                Fixtures.createCheck(api, Fixtures.check("after", "echo after", 1, Map.of("global", true)));
                eventually(Duration.ofSeconds(30), () -> newKey.equals(pinnedKeyId())
                        && Long.parseLong("0" + read(dir.resolve("state/policy.floor"))) >= 2);
                eventually(Duration.ofSeconds(15), () -> api.get("/api/v1/targets/" + id, ADMIN).json().path("policy_version").asLong() >= 2
                        && !api.get("/api/v1/targets/" + id, ADMIN).json().path("policy_error").isTextual());
            }
        }
    }

    String pinnedKeyId() {
        try {
            return WireJson.mapper().readTree(Files.readString(dir.resolve("state/policy-key.json"))).get("key_id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
