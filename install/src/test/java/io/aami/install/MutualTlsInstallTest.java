package io.aami.install;

import static io.aami.install.Waits.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import io.aami.server.testing.TlsTestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure path as an operator walks it, all as processes: a TLS server with its built-in CA,
 * {@code ca pin} on the server, {@code install-agent.sh} on the host, the agent enrolling by pin
 * and working over mutual TLS.
 */
class MutualTlsInstallTest {
    @TempDir
    Path dir;

    @Test
    void installByPinThenEnrollAndReportOverMutualTls() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        int port = Waits.freePort();
        Map<String, String> serverEnv = new java.util.HashMap<>(TestServer.environment(Map.of("AAMI_LISTEN", "127.0.0.1:" + port,
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms"), TestDatabase.fresh()));
        serverEnv.remove("AAMI_TLS");
        Path data = Path.of(serverEnv.get("AAMI_DATA_DIR"));
        try (JavaProcess server = JavaProcess.start(JavaProcess.jar("aami.server.jar"), serverEnv, dir.resolve("server.log"))) {
            server.awaitOutput("listening on https://", Duration.ofSeconds(60));
            Api api = new Api("https://127.0.0.1:" + port, TlsTestClients.trusting(data.resolve("pki/ca.crt"), null));
            eventually(Duration.ofSeconds(30), "server ready", () -> api.get("/ready", null).status() == 200);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Api("http://127.0.0.1:" + port).get("/health", null))
                    .as("plain HTTP on the TLS port gets no answer").isInstanceOf(java.io.UncheckedIOException.class);

            String pin = run(List.of(java(), "-jar", JavaProcess.jar("aami.server.jar").toString(), "ca", "pin", "--data-dir",
                    data.toString()), "pin.out").strip();
            assertThat(pin).matches("sha256:[0-9a-f]{64}");
            assertThat(server.output()).contains(pin);
            String token = Fixtures.bootstrapToken(api, 1, Map.of("name", "install"));
            Fixtures.createCheck(api, Fixtures.check("installed", "echo fine", 1, Map.of("global", true)));

            Path root = dir.resolve("root");
            Path script = repo().resolve("install/src/main/dist/install-agent.sh");
            Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
            run(List.of("bash", script.toString(), "--root", root.toString(), "--server", "127.0.0.1:" + port, "--token-file",
                    tokenFile.toString(),
                    "--ca-pin", pin, "--run-as", "nobody", "--label", "env=test", "--jar", JavaProcess.jar("aami.agent.jar").toString()),
                    "install.out");
            assertInstalled(root, token, pin);
            if (onPath("curl") && onPath("openssl") || System.getenv("AAMI_REQUIRE_TOOLS") != null) {
                String fetched = run(List.of("bash", script.toString(), "--print-pin", "--server", "127.0.0.1:" + port), "print-pin.out");
                assertThat(fetched.lines().findFirst()).contains(pin);
            }

            Map<String, String> agentEnv = Map.of("AAMI_AGENT_ID_FILE", root.resolve("etc/aami/agent-id").toString(),
                    "AAMI_AGENT_STATE_DIR", root.resolve("var/lib/aami").toString(),
                    "AAMI_SERVER_BOOTSTRAP_TOKEN_FILE", root.resolve("etc/aami/bootstrap-token").toString(),
                    "AAMI_API_LISTEN", "127.0.0.1:0", "AAMI_CHECKS_FLUSH_INTERVAL", "300ms", "AAMI_LOGGING_FORMAT", "text");
            UUID id = UUID.fromString(Files.readString(root.resolve("etc/aami/agent-id")).strip());
            try (JavaProcess agent = JavaProcess.start(root.resolve("opt/aami/aami-agent.jar"), agentEnv, dir.resolve("agent.log"),
                    "--config", root.resolve("etc/aami/agent.yaml").toString())) {
                eventually(Duration.ofSeconds(45), "check result over mTLS", () -> "ok".equals(status(api, id)));
                JsonNode target = api.get("/api/v1/targets/" + id, ADMIN).json();
                assertThat(target.get("status").asText()).isEqualTo("online");
                assertThat(target.get("labels").get("env").asText()).isEqualTo("test");
                assertThat(target.get("certificate_expires_at").isNull()).isFalse();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/aami/agent.key"))))
                        .isEqualTo("rw-------");
                assertThat(agent.output()).contains("matches the pin").doesNotContain(token);
                assertThat(agent.terminate(Duration.ofSeconds(10))).isIn(0, 143);
            }
            assertThat(server.output()).doesNotContain(token).doesNotContain(ADMIN);
            assertThat(server.terminate(Duration.ofSeconds(15))).isIn(0, 143);
        }
    }

    private static void assertInstalled(Path root, String token, String pin) throws Exception {
        assertThat(mode(root.resolve("etc/aami/agent-id"))).isEqualTo("rw-r--r--");
        assertThat(mode(root.resolve("etc/aami/bootstrap-token"))).isEqualTo("rw-------");
        assertThat(Files.readString(root.resolve("etc/aami/bootstrap-token")).strip()).isEqualTo(token);
        assertThat(mode(root.resolve("var/lib/aami"))).isEqualTo("rwx------");
        String yaml = Files.readString(root.resolve("etc/aami/agent.yaml"));
        assertThat(yaml).contains("ca_cert_sha256: \"" + pin + "\"").contains("run_as: \"nobody\"").doesNotContain(token);
        assertThat(root.resolve("etc/systemd/system/aami-agent.service")).exists();
        assertThat(root.resolve("opt/aami/aami-agent.jar")).exists();
    }

    private static String status(Api api, UUID id) {
        JsonNode states = api.get("/api/v1/targets/" + id + "/checks", ADMIN).json();
        return states.size() == 0 ? null : states.get(0).path("status").asText();
    }

    private String run(List<String> command, String log) throws Exception {
        Path out = dir.resolve(log);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor()).as(command + " said: " + Files.readString(out)).isZero();
        return Files.readString(out);
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path repo() {
        return Path.of(System.getProperty("aami.repo.dir")).toAbsolutePath().normalize();
    }
}
