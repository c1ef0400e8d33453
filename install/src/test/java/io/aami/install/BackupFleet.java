package io.aami.install;

import static io.aami.install.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.TlsTestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A TLS server with a pre-registered target and its agent, enrolled by pin; what a restore must bring back. */
record BackupFleet(Path dir, Map<String, String> serverEnv, JavaProcess server, JavaProcess agent, Api api, String pin,
                   String admin, UUID agentId, JsonNode targets, JsonNode tokens) implements AutoCloseable {

    /** A shell step run once the restored server is up. */
    interface Step {
        void run() throws Exception;
    }

    static BackupFleet start(Path dir, Map<String, String> serverEnv, String name) throws Exception {
        JavaProcess server = startServer(dir, serverEnv, name);
        try {
            return startWith(server, dir, serverEnv, name);
        } catch (Exception | Error e) {
            // A failed start would otherwise leave the server (and agent) running after the test, loading the machine.
            server.close();
            throw e;
        }
    }

    private static BackupFleet startWith(JavaProcess server, Path dir, Map<String, String> serverEnv, String name) throws Exception {
        Path data = Path.of(serverEnv.get("AAMI_DATA_DIR"));
        Api api = api(serverEnv, data);
        String pin = pin(dir, data);
        String admin = Files.readString(data.resolve("admin-token")).strip();
        UUID id = UUID.randomUUID();
        assertThat(api.put("/api/v1/targets/" + id, Map.of("hostname", "web-1", "labels", Map.of("role", "web")), admin)
                .status()).isEqualTo(201);
        String token = api.post("/api/v1/bootstrap-tokens", Map.of("name", "backup", "max_uses", 1), admin).json()
                .get("token").asText();
        Files.writeString(dir.resolve("agent-id"), id + "\n");
        Files.writeString(dir.resolve("bootstrap-token"), token + "\n");
        JavaProcess agent = startAgent(dir, serverEnv, pin, name);
        try {
            eventually(Duration.ofSeconds(60), "agent online", () -> "online".equals(target(api, id, admin).path("status").asText()),
                    () -> server.output() + agent.output());
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
        // Its only bootstrap token is used up and gone: after the restore it can only come back on its certificate.
        Files.delete(dir.resolve("bootstrap-token"));
        return new BackupFleet(dir, serverEnv, server, agent, api, pin, admin, id, api.get("/api/v1/targets", admin).json(),
                api.get("/api/v1/bootstrap-tokens", admin).json());
    }

    /** The same server and agent started again on what they have on disk. */
    BackupFleet startAgain(String name) throws Exception {
        JavaProcess again = startServer(dir, serverEnv, name);
        return new BackupFleet(dir, serverEnv, again, startAgent(dir, serverEnv, pin, name), api, pin, admin, agentId, targets, tokens);
    }

    /** A new global check, run by the agent: its policy version moves past the one backed up. */
    void changePolicyAndAwait(String check) throws Exception {
        long before = target(api, agentId, admin).path("policy_version").asLong();
        assertThat(api.post("/api/v1/checks", Map.of("name", check, "interpreter", "sh", "script", "echo fine",
                "interval_seconds", 1, "timeout_seconds", 1, "global", true), admin).status()).isEqualTo(201);
        eventually(Duration.ofSeconds(60), "agent ran " + check, () -> ran(check)
                        && target(api, agentId, admin).path("policy_version").asLong() > before,
                () -> server.output() + agent.output());
    }

    private boolean ran(String check) {
        for (JsonNode state : api.get("/api/v1/targets/" + agentId + "/checks", admin).json()) {
            if (check.equals(state.path("name").asText()) && "ok".equals(state.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Kills whatever still runs (a failed test); after {@link #stop} nothing does. */
    @Override
    public void close() {
        agent.close();
        server.close();
    }

    void stop() throws Exception {
        assertThat(agent.terminate(Duration.ofSeconds(15))).isIn(0, 143);
        assertThat(server.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    }

    /**
     * Starts the restored server, runs {@code afterRestore}, and compares. The agent has accepted a
     * policy version the restored database never drew: only {@code afterRestore} lets it take policy again.
     */
    void restartAndCompare(Map<String, String> serverEnv, Step afterRestore) throws Exception {
        Path data = Path.of(serverEnv.get("AAMI_DATA_DIR"));
        try (JavaProcess server = startServer(dir, serverEnv, "restored")) {
            afterRestore.run();
            assertThat(pin(dir, data)).as("the same CA, so every agent's pin still holds").isEqualTo(pin);
            JsonNode restored = api.get("/api/v1/targets", admin).json();
            assertThat(restored.size()).isEqualTo(1);
            assertThat(restored.get(0).get("id").asText()).isEqualTo(agentId.toString());
            assertThat(restored.get(0).get("hostname").asText()).isEqualTo("web-1");
            assertThat(restored.get(0).get("labels")).isEqualTo(targets.get(0).get("labels"));
            assertThat(restored.get(0).get("reported_hostname")).isEqualTo(targets.get(0).get("reported_hostname"));
            assertThat(api.get("/api/v1/bootstrap-tokens", admin).json()).isEqualTo(tokens);

            String heartbeatBefore = restored.get(0).get("last_heartbeat_at").asText();
            try (JavaProcess agent = startAgent(dir, serverEnv, pin, "restored")) {
                eventually(Duration.ofSeconds(60), "the restored server accepts the agent's certificate",
                        () -> !heartbeatBefore.equals(target(api, agentId, admin).path("last_heartbeat_at").asText())
                                && "online".equals(target(api, agentId, admin).path("status").asText()),
                        () -> server.output() + agent.output());
                new BackupFleet(dir, serverEnv, server, agent, api, pin, admin, agentId, targets, tokens)
                        .changePolicyAndAwait("added-after-restore");
                assertThat(target(api, agentId, admin).path("policy_error").isNull()).isTrue();
                assertThat(agent.output()).contains("reusing the stored credential").doesNotContain("enrollment refused")
                        .doesNotContain("rollback");
                assertThat(agent.terminate(Duration.ofSeconds(15))).isIn(0, 143);
            }
            assertThat(server.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        }
    }

    private static JavaProcess startServer(Path dir, Map<String, String> env, String name) throws Exception {
        JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), env, dir.resolve("server-" + name + ".log"));
        try {
            server.awaitOutput("listening on https://", Duration.ofSeconds(120));
            Api api = api(env, Path.of(env.get("AAMI_DATA_DIR")));
            eventually(Duration.ofSeconds(30), "server ready", () -> api.get("/ready", null).status() == 200);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private static JavaProcess startAgent(Path dir, Map<String, String> serverEnv, String pin, String name) throws Exception {
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                server:
                  address: "%s"
                  bootstrap_token_file: "%s"
                  retry_max_interval: 2s
                  tls:
                    ca_cert_sha256: "%s"
                agent:
                  id_file: "%s"
                  state_dir: "%s"
                checks:
                  run_as: nobody
                api:
                  listen: "127.0.0.1:0"
                logging:
                  format: text
                """.formatted(serverEnv.get("AAMI_LISTEN"), dir.resolve("bootstrap-token"), pin, dir.resolve("agent-id"),
                dir.resolve("agent-state")));
        return JavaProcess.start(JavaProcess.jar("aami.agent.jar"), Map.of(), dir.resolve("agent-" + name + ".log"),
                "--config", config.toString());
    }

    private static Api api(Map<String, String> env, Path data) {
        return new Api("https://" + env.get("AAMI_LISTEN"), TlsTestClients.trusting(data.resolve("pki/ca.crt"), null));
    }

    /** {@code ca pin}, as the README's operator runs it. */
    private static String pin(Path dir, Path data) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return Processes.run(List.of(java, "-jar", JavaProcess.jar("aami.server.jar").toString(), "ca", "pin",
                "--data-dir", data.toString()), Map.of(), dir).strip();
    }

    private static JsonNode target(Api api, UUID id, String admin) {
        return api.get("/api/v1/targets/" + id, admin).json();
    }
}
