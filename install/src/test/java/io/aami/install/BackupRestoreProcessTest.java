package io.aami.install;

import static io.aami.install.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.TlsTestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Backup and restore" steps, run from the README itself ({@link ReadmeSnippets}) on a
 * real server with an enrolled agent: back up, wipe everything, restore, and the server comes back
 * with the same CA pin, admin token, targets and bootstrap-token uses, and the agent's certificate
 * (it has no bootstrap token any more, so it cannot enroll again) is accepted at once. Once with the
 * embedded PostgreSQL (a cold copy of the data directory) and once with an external PostgreSQL
 * ({@code pg_dump}/{@code pg_restore} plus the keys).
 */
class BackupRestoreProcessTest {
    private static final String DB_PASSWORD = "aami-db-" + UUID.randomUUID();
    private static final String PG_SUPERUSER_PASSWORD = "pg-super-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @Test
    void embeddedDatabaseColdCopyRestoresTheServerAsItWas() throws Exception {
        ExternalPostgres.openForOthers(dir);
        Map<String, String> shell = shellEnv();
        Map<String, String> serverEnv = serverEnv(Map.of());
        Fleet before = Fleet.start(dir, serverEnv, "before");
        before.stop();

        Processes.bash(ReadmeSnippets.block("# back up: embedded database"), shell, dir);
        wipe();
        Processes.bash(ReadmeSnippets.block("# restore: embedded database"), shell, dir);

        assertThat(dir.resolve("backup/aami-data.tgz")).isRegularFile();
        assertThat(Processes.run(List.of("tar", "-tzf", dir.resolve("backup/aami-data.tgz").toString()), Map.of(), dir))
                .as("the binaries are unpacked afresh, not backed up").doesNotContain("postgres-binaries");
        before.restartAndCompare(serverEnv);
    }

    @Test
    void externalDatabaseDumpAndKeysRestoreTheServerAsItWas() throws Exception {
        ExternalPostgres.assumeInstalled();
        ExternalPostgres.openForOthers(dir);
        try (ExternalPostgres pg = ExternalPostgres.start(dir, PG_SUPERUSER_PASSWORD)) {
            Map<String, String> shell = new HashMap<>(shellEnv());
            shell.putAll(pg.clientEnv());
            shell.put("PGPASSFILE", pgpass(pg).toString());
            shell.put("AAMI_DATABASE_PASSWORD", DB_PASSWORD);
            Processes.bash(ReadmeSnippets.block("# create the database and its role (as the PostgreSQL superuser)"), shell, dir);
            Map<String, String> serverEnv = serverEnv(Map.of(
                    "AAMI_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/aami",
                    "AAMI_DATABASE_USER", "aami", "AAMI_DATABASE_PASSWORD", DB_PASSWORD));
            Fleet before = Fleet.start(dir, serverEnv, "before");

            // pg_dump takes a consistent snapshot while the server runs; only the restore needs it stopped.
            Processes.bash(ReadmeSnippets.block("# back up: external database"), shell, dir);
            before.stop();
            Processes.bash("psql -U postgres -c 'DROP DATABASE aami'", shell, dir);
            wipe();
            Processes.bash(ReadmeSnippets.block("# restore: external database"), shell, dir);

            before.restartAndCompare(serverEnv);
        }
    }

    /** The variables the README's snippets expect (its "set these first" block), pointed at this test. */
    private Map<String, String> shellEnv() {
        return Map.of("DATA", dir.resolve("data").toString(), "BACKUP", dir.resolve("backup").toString(),
                "SERVER_USER", System.getProperty("user.name"));
    }

    private Map<String, String> serverEnv(Map<String, String> database) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_LISTEN", "127.0.0.1:" + Waits.freePort(),
                "AAMI_DATA_DIR", dir.resolve("data").toString(), "AAMI_HEARTBEAT_INTERVAL", "1s",
                "AAMI_HEARTBEAT_SWEEP_INTERVAL", "200ms", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms",
                "AAMI_LOGGING_FORMAT", "text"));
        env.putAll(database);
        return env;
    }

    /** Everything the server had on disk is gone, as on a new machine. */
    private void wipe() throws Exception {
        Processes.run(List.of("rm", "-rf", "--one-file-system", dir.resolve("data").toString()), Map.of(), dir);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private Path pgpass(ExternalPostgres pg) throws Exception {
        Path file = dir.resolve("pgpass");
        Files.writeString(file, "127.0.0.1:%d:*:aami:%s%n127.0.0.1:%d:*:postgres:%s%n"
                .formatted(pg.port(), DB_PASSWORD, pg.port(), PG_SUPERUSER_PASSWORD));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A TLS server with a pre-registered target and its agent, enrolled by pin; what a restore must bring back. */
    private record Fleet(Path dir, JavaProcess server, JavaProcess agent, Api api, String pin, String admin,
                         UUID agentId, JsonNode targets, JsonNode tokens) {

        static Fleet start(Path dir, Map<String, String> serverEnv, String name) throws Exception {
            JavaProcess server = startServer(dir, serverEnv, name);
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
            eventually(Duration.ofSeconds(60), "agent online", () -> "online".equals(target(api, id, admin).path("status").asText()),
                    () -> server.output() + agent.output());
            // Its only bootstrap token is used up and gone: after the restore it can only come back on its certificate.
            Files.delete(dir.resolve("bootstrap-token"));
            return new Fleet(dir, server, agent, api, pin, admin, id, api.get("/api/v1/targets", admin).json(),
                    api.get("/api/v1/bootstrap-tokens", admin).json());
        }

        void stop() throws Exception {
            assertThat(agent.terminate(Duration.ofSeconds(15))).isIn(0, 143);
            assertThat(server.terminate(Duration.ofSeconds(60))).isIn(0, 143);
        }

        void restartAndCompare(Map<String, String> serverEnv) throws Exception {
            Path data = Path.of(serverEnv.get("AAMI_DATA_DIR"));
            try (JavaProcess server = startServer(dir, serverEnv, "after")) {
                assertThat(pin(dir, data)).as("the same CA, so every agent's pin still holds").isEqualTo(pin);
                JsonNode restored = api.get("/api/v1/targets", admin).json();
                assertThat(restored.size()).isEqualTo(1);
                assertThat(restored.get(0).get("id").asText()).isEqualTo(agentId.toString());
                assertThat(restored.get(0).get("hostname").asText()).isEqualTo("web-1");
                assertThat(restored.get(0).get("labels")).isEqualTo(targets.get(0).get("labels"));
                assertThat(restored.get(0).get("reported_hostname")).isEqualTo(targets.get(0).get("reported_hostname"));
                assertThat(api.get("/api/v1/bootstrap-tokens", admin).json()).isEqualTo(tokens);

                String heartbeatBefore = restored.get(0).get("last_heartbeat_at").asText();
                try (JavaProcess agent = startAgent(dir, serverEnv, pin, "after")) {
                    eventually(Duration.ofSeconds(60), "the restored server accepts the agent's certificate",
                            () -> !heartbeatBefore.equals(target(api, agentId, admin).path("last_heartbeat_at").asText())
                                    && "online".equals(target(api, agentId, admin).path("status").asText()),
                            () -> server.output() + agent.output());
                    assertThat(agent.output()).contains("reusing the stored credential").doesNotContain("enrollment refused");
                    assertThat(agent.terminate(Duration.ofSeconds(15))).isIn(0, 143);
                }
                assertThat(server.terminate(Duration.ofSeconds(60))).isIn(0, 143);
            }
        }

        private static JavaProcess startServer(Path dir, Map<String, String> env, String name) throws Exception {
            JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), env, dir.resolve("server-" + name + ".log"));
            server.awaitOutput("listening on https://", Duration.ofSeconds(120));
            Api api = api(env, Path.of(env.get("AAMI_DATA_DIR")));
            eventually(Duration.ofSeconds(30), "server ready", () -> api.get("/ready", null).status() == 200);
            return server;
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
}
