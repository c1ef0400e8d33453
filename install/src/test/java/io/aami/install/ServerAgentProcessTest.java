package io.aami.install;

import static io.aami.install.Waits.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.db.EmbeddedClusterTemplate;
import io.aami.server.testing.Api;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jars as an operator runs them: the config-server and the agent as separate
 * processes, stopped with SIGTERM like systemd does.
 */
class ServerAgentProcessTest {
    @TempDir
    Path dir;

    @Test
    void agentEnrollsGoesOnlineSurvivesARestartAndGoesOfflineWhenStopped() throws Exception {
        int port = Waits.freePort();
        Map<String, String> serverEnv = TestServer.environment(Map.of("AAMI_LISTEN", "127.0.0.1:" + port,
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_SWEEP_INTERVAL", "200ms",
                "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms"), TestDatabase.fresh());
        Api api = new Api("http://127.0.0.1:" + port);
        try (JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), serverEnv, dir.resolve("server.log"))) {
            eventually(Duration.ofSeconds(60), "server ready", () -> api.get("/ready", null).status() == 200);
            String token = api.post("/api/v1/bootstrap-tokens", Map.of("name", "e2e", "max_uses", 1), ADMIN).json().get("token").asText();
            Path config = agentConfig(port, token);

            JavaProcess agent = startAgent(config, "agent-1.log");
            eventually(Duration.ofSeconds(30), "agent id file written", () -> Files.exists(dir.resolve("agent-id")));
            UUID id = UUID.fromString(Files.readString(dir.resolve("agent-id")).trim());
            eventually(Duration.ofSeconds(30), "agent online", () -> status(api, id).equals("online"),
                    () -> server.output() + agent.output());
            assertThat(agent.terminate(Duration.ofSeconds(5))).isIn(0, 143);

            String before = target(api, id).get("last_heartbeat_at").asText();
            JavaProcess again = startAgent(config, "agent-2.log");
            eventually(Duration.ofSeconds(30), "heartbeat after restart",
                    () -> !target(api, id).get("last_heartbeat_at").asText().equals(before));
            assertThat(Files.readString(dir.resolve("agent-id")).trim()).isEqualTo(id.toString());
            assertThat(api.get("/api/v1/targets", ADMIN).json().size()).isEqualTo(1);
            assertThat(api.get("/api/v1/bootstrap-tokens", ADMIN).json().get(0).get("uses").asInt()).isEqualTo(1);
            assertThat(again.output()).contains("reusing the stored credential");

            assertThat(again.terminate(Duration.ofSeconds(5))).isIn(0, 143);
            eventually(Duration.ofSeconds(10), "agent offline", () -> status(api, id).equals("offline"));

            String agentToken = api.mapper().readTree(Files.readString(dir.resolve("state/credentials.json"))).get("agent_token").asText();
            String logs = server.output() + agent.output() + again.output();
            assertThat(logs).doesNotContain(token).doesNotContain(agentToken).doesNotContain(ADMIN);
            assertThat(server.terminate(Duration.ofSeconds(10))).isIn(0, 143);
        }
    }

    @Test
    void embeddedPostgresKeepsItsDataAcrossRestartsAndTheAdminTokenStaysSecret() throws Exception {
        int port = Waits.freePort();
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("AAMI_LISTEN", "127.0.0.1:" + port, "AAMI_TLS", "off", "AAMI_DATA_DIR", data.toString());
        Api api = new Api("http://127.0.0.1:" + port);
        String groupId;
        String admin;
        // The shipped jar's first start (unpacking, initdb) is BackupRestoreProcessTest's restored server's; here the restarts.
        EmbeddedClusterTemplate.seed(data, JavaProcess.jar("aami.server.jar"));
        try (JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), env, dir.resolve("embedded-1.log"))) {
            eventually(Duration.ofSeconds(90), "embedded server ready", () -> api.get("/ready", null).status() == 200);
            Path tokenFile = data.resolve("admin-token");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            admin = Files.readString(tokenFile).trim();
            assertThat(server.output()).contains(tokenFile.toString()).doesNotContain(admin);
            groupId = api.post("/api/v1/groups", Map.of("name", "kept"), admin).json().get("id").asText();
            assertThat(server.terminate(Duration.ofSeconds(15))).isIn(0, 143);
        }
        assertThat(data.resolve("postgres")).isDirectory();
        try (JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), env, dir.resolve("embedded-2.log"))) {
            eventually(Duration.ofSeconds(60), "embedded server ready again", () -> api.get("/ready", null).status() == 200);
            assertThat(api.get("/api/v1/groups/" + groupId, admin).json().get("name").asText()).isEqualTo("kept");
            assertThat(server.terminate(Duration.ofSeconds(15))).isIn(0, 143);
        }
    }

    @Test
    void badConfigurationStopsStartupNamingTheKey() throws Exception {
        Path cfg = dir.resolve("server.yaml");
        Files.writeString(cfg, "listen: \"127.0.0.1:0\"\nhearbeat:\n  interval: 5s\n");
        try (JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), Map.of("AAMI_TLS", "off"),
                dir.resolve("bad-server.log"), "--config", cfg.toString())) {
            eventually(Duration.ofSeconds(20), "server exits", () -> !server.alive());
            assertThat(server.output()).contains("hearbeat").doesNotContain("Exception");
        }
        Files.writeString(dir.resolve("agent-id"), "not-a-uuid\n");
        Path agentCfg = agentConfig(1, "aami_abcdef.0123456789abcdef0123456789abcdef");
        try (JavaProcess agent = JavaProcess.start(JavaProcess.jar("aami.agent.jar"), Map.of(), dir.resolve("bad-agent.log"),
                "--config", agentCfg.toString())) {
            eventually(Duration.ofSeconds(20), "agent exits", () -> !agent.alive());
            assertThat(agent.output()).contains("does not hold a UUID");
        }
    }

    private Path agentConfig(int port, String token) throws Exception {
        return LocalAgentConfig.write(dir, port, token);
    }

    private JavaProcess startAgent(Path config, String log) {
        return JavaProcess.start(JavaProcess.jar("aami.agent.jar"), Map.of(), dir.resolve(log), "--config", config.toString());
    }

    private static JsonNode target(Api api, UUID id) {
        return api.get("/api/v1/targets/" + id, ADMIN).json();
    }

    private static String status(Api api, UUID id) {
        return target(api, id).path("status").asText();
    }
}
