package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.common.pki.Pem;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory a real root agent creates for itself while enrolling over TLS: 0700, and every secret in
 * it 0600. Before, the spool created it with the umask's 0755, and the checks work dir (then the state dir
 * itself) made it enterable for the run-as group.
 */
class StateDirEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void theStateDirAndEverySecretInItAreOwnerOnly() throws Exception {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            Api api = server.api();
            String pin = "sha256:" + Pem.sha256Hex(Pem.readCertificate(server.caCertificate()));
            Fixtures.createCheck(api, Fixtures.check("state-check", "echo fine", 1, Map.of("global", true)));
            Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, "localhost:" + server.port(),
                    Fixtures.bootstrapToken(api, 1, Map.of())));
            env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", pin);
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            Path state = dir.resolve("state");
            assertThat(state).doesNotExist();
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                eventually(Duration.ofSeconds(30), () -> Files.exists(state.resolve("credentials.json"))
                        && Files.exists(state.resolve("policy.json")) && Files.exists(dir.resolve("state-checks/scripts")));
                assertThat(mode(state)).isEqualTo("rwx------");
                for (String secret : List.of("credentials.json", "agent.key", "policy.json")) {
                    assertThat(mode(state.resolve(secret))).as(secret).isEqualTo("rw-------");
                }
                try (Stream<Path> all = Files.walk(state)) {
                    for (Path p : all.toList()) {
                        String name = p.getFileName().toString();
                        String mode;
                        try {
                            mode = mode(p);
                        } catch (java.nio.file.NoSuchFileException gone) {
                            continue; // a temporary file an atomic write renamed meanwhile (".policy.floor….tmp" once)
                        }
                        if (Files.isDirectory(p)) {
                            // spool/ itself is created with the umask's mode (its streams are 0700); the 0700 above covers it.
                            assertThat(mode.substring(3)).as(p + " is writable by its owner only").doesNotContain("w");
                        } else if (!name.endsWith(".crt") && !name.equals("lock")) { // certificates and empty lock files are public
                            assertThat(mode).as(p.toString()).isEqualTo("rw-------");
                        }
                    }
                }
                assertThat(cfg.checks().workDir()).as("scripts live beside the state dir").isEqualTo(dir.resolve("state-checks"));
            }
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
