package io.aami.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ServerMain} refuses to start when told to carry an agent's name ({@code agent.aami.internal} or
 * under it) in its certificate: agents refuse such a server certificate, and an agent certificate must never pass
 * for the server's. The error names the key before any database or key material is touched.
 */
class AgentNameStartupTest {
    @TempDir
    Path dir;

    @Test
    void aServerNameUnderTheAgentsDomainStopsTheStartWithTheKeyNamed() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        pb.environment().put("AAMI_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("AAMI_LISTEN", "127.0.0.1:0");
        pb.environment().put("AAMI_TLS_SERVER_NAMES", "aami.example.com,x.agent.aami.internal");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("config key 'tls.server_names'").contains("'x.agent.aami.internal' is an agent's name")
                .contains("agents refuse a server certificate that carries one");
        assertThat(Files.exists(dir.resolve("data").resolve("pki"))).as("nothing created").isFalse();
    }
}
