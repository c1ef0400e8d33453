package io.aami.install;

import static io.aami.install.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TlsTestClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's operator commands ({@code token create}, {@code ca pin}, {@code policy rotate-key}) run as an
 * operator runs them: the shipped jar as its own process. They find the server as the server finds itself
 * (its config file, its {@code AAMI_*} environment), and where they cannot they say within two seconds what
 * to pass, instead of waiting a minute or blaming a missing CA.
 */
class OperatorCommandsProcessTest {
    /**
     * A whole command's run, JVM start included: that start took 3.7 s on a loaded machine (a run of 5.7 s failed a
     * 5 s bound). The command's own 2 s timeout is asserted from what it prints, not from this.
     */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err, Duration took) {
        @Override
        public String toString() {
            return "exit " + exit + " after " + took.toMillis() + " ms; stdout: " + out + "; stderr: " + err;
        }
    }

    @Test
    void awayFromTheServerEachCommandSaysWhatToPassWithinTwoSeconds() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("checkout"));
        for (String[] command : List.of(new String[] {"token", "create", "--name", "web"}, new String[] {"ca", "pin"},
                new String[] {"policy", "rotate-key"})) {
            Run run = command(elsewhere, Map.of(), command);
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.took()).as(run.toString()).isLessThan(BOUND);
            assertThat(run.out()).as(run.toString()).isEmpty();
            assertThat(run.err()).as(run.toString()).contains(elsewhere.resolve("data").toString())
                    .contains("--config FILE").contains("--data-dir DIR").contains("AAMI_DATA_DIR is unset");
        }
        Run token = command(elsewhere, Map.of(), "token", "create");
        assertThat(token.err()).contains("no admin token").contains("AAMI_ADMIN_TOKEN");
        assertThat(command(elsewhere, Map.of(), "ca", "pin").err()).contains("no CA certificate at");
    }

    @Test
    void tokenCreateGivesUpOnAServerThatIsDownOrSilentWithinTwoSeconds() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.writeString(data.resolve("admin-token"), "aami_admin_0123456789abcdef\n");
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // The kernel completes the connection; nothing ever answers on it.
            Run run = command(dir, Map.of("AAMI_TLS", "off", "AAMI_LISTEN", "127.0.0.1:" + silent.getLocalPort()),
                    "token", "create", "--data-dir", data.toString());
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.took()).as(run.toString()).isLessThan(BOUND);
            java.util.regex.Matcher waited = java.util.regex.Pattern.compile("did not answer within (\\d+) ms").matcher(run.err());
            assertThat(waited.find()).as(run.toString()).isTrue();
            assertThat(Integer.parseInt(waited.group(1))).as("the command's own timeout").isBetween(1, 2000);
        }
        int down = Waits.freePort();
        Run run = command(dir, Map.of("AAMI_TLS", "off", "AAMI_LISTEN", "0.0.0.0:" + down, "AAMI_DATA_DIR", data.toString()),
                "token", "create");
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.took()).as(run.toString()).isLessThan(BOUND);
        assertThat(run.err()).contains("no config-server is ready at http://127.0.0.1:" + down).contains("--server URL");
    }

    @Test
    void withTheServersConfigOrEnvironmentTheyWorkAgainstTheRunningServer() throws Exception {
        int port = Waits.freePort();
        Path data = dir.resolve("server-data");
        Path config = serverConfig(port, data, TestDatabase.fresh());
        Path serverDir = Files.createDirectory(dir.resolve("srv"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JavaProcess.jar("aami.server.jar").toString(), "--config", config.toString());
        try (JavaProcess server = JavaProcess.command(cmd, Map.of(), dir.resolve("server.log"), serverDir)) {
            Path ca = data.resolve("pki/ca.crt");
            eventually(Duration.ofSeconds(60), "CA written", () -> Files.exists(ca), server::output);
            Api api = new Api("https://localhost:" + port, TlsTestClients.trusting(ca, null));
            eventually(Duration.ofSeconds(60), "server ready", () -> ready(api), server::output);
            String admin = Files.readString(data.resolve("admin-token")).trim();

            Run pin = command(elsewhere, Map.of(), "ca", "pin", "--config", config.toString());
            assertThat(pin.exit()).as(pin.toString()).isZero();
            assertThat(pin.out().trim()).isEqualTo("sha256:" + sha256OfDer(ca));

            Run byConfig = command(elsewhere, Map.of(), "token", "create", "--config", config.toString(), "--name", "by-config",
                    "--max-uses", "5");
            Run byEnv = command(elsewhere, Map.of("AAMI_DATA_DIR", data.toString(), "AAMI_LISTEN", "127.0.0.1:" + port),
                    "token", "create", "--name", "by-env");
            Run byDataDir = command(elsewhere, Map.of("AAMI_LISTEN", "127.0.0.1:" + port), "token", "create",
                    "--data-dir", data.toString(), "--name", "by-data-dir");
            for (Run run : List.of(byConfig, byEnv, byDataDir)) {
                assertThat(run.exit()).as(run.toString()).isZero();
                assertThat(run.out().trim()).as(run.toString()).matches("aami_[a-z0-9]{6}\\.[a-z0-9]{32}");
            }
            JsonNode tokens = api.get("/api/v1/bootstrap-tokens", admin).json();
            assertThat(tokens.findValuesAsText("name")).containsExactlyInAnyOrder("by-config", "by-env", "by-data-dir");
            assertThat(server.output()).doesNotContain(byConfig.out().trim()).doesNotContain(admin);

            Run wrongToken = command(elsewhere, Map.of("AAMI_ADMIN_TOKEN", "not-this-servers-admin-token"), "token", "create",
                    "--config", config.toString());
            assertThat(wrongToken.exit()).as(wrongToken.toString()).isEqualTo(1);
            assertThat(wrongToken.err()).contains("refused the admin token").contains("--config FILE");
            assertThat(server.terminate(Duration.ofSeconds(15))).isIn(0, 143);
        }
        String keyBefore = Files.readString(data.resolve("pki/policy-signing.key"));
        Run rotate = command(elsewhere, Map.of(), "policy", "rotate-key", "--config", config.toString());
        assertThat(rotate.exit()).as(rotate.toString()).isZero();
        assertThat(rotate.out()).contains("rotated the policy-signing key");
        assertThat(Files.readString(data.resolve("pki/policy-signing.key"))).isNotEqualTo(keyBefore);
    }

    private static boolean ready(Api api) {
        try {
            return api.get("/ready", null).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The server's config file, as an operator writes it: TLS on, its own data directory, an external database. */
    private Path serverConfig(int port, Path data, TestDatabase.Coordinates db) throws IOException {
        StringBuilder yaml = new StringBuilder()
                .append("listen: \"127.0.0.1:").append(port).append("\"\n")
                .append("data_dir: \"").append(data).append("\"\n")
                .append("database:\n  url: \"").append(db.url()).append("\"\n");
        if (db.user() != null) {
            yaml.append("  user: \"").append(db.user()).append("\"\n");
        }
        if (db.password() != null) {
            yaml.append("  password: \"").append(db.password()).append("\"\n");
        }
        yaml.append("logging:\n  format: text\n");
        return Files.writeString(dir.resolve("config-server.yaml"), yaml.toString());
    }

    private static String sha256OfDer(Path caPem) throws Exception {
        byte[] der = Pem.readCertificate(caPem).getEncoded();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    /** {@code java -jar aami-config-server.jar args…} in {@code cwd}, with no {@code AAMI_*} but {@code env}. */
    private Run command(Path cwd, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JavaProcess.jar("aami.server.jar").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as(String.join(" ", args) + " exits").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), took);
    }
}
