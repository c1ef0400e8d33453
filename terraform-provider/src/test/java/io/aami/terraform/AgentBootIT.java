package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Eventually;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's flow end to end: Terraform pre-registers a target under a UUID and makes a one-use token for its
 * group; a real agent (agent/target/aami-agent.jar) boots with that UUID in its id file and the token, enrolls
 * into the pre-registered target; the next plan is still clean (what the agent reports is no diff).
 */
@Tag("terraform-long")
class AgentBootIT {
    @TempDir
    Path tmp;

    @Test
    void anAgentBootingWithThePreRegisteredUuidLeavesThePlanClean() throws Exception {
        TerraformDir.requireTerraform();
        try (TestServer server = TestServer.start(Map.of())) {
            Api api = server.api();
            String id = UUID.randomUUID().toString();
            TerraformDir tf = TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN).config(
                    "resource \"aami_group\" \"web\" {\n  name = \"web\"\n}\n\n"
                    + "resource \"aami_target\" \"this\" {\n  id       = \"" + id + "\"\n  hostname = \"web-0\"\n"
                    + "  group_id = aami_group.web.id\n}\n\n"
                    + "resource \"aami_bootstrap_token\" \"this\" {\n  name     = \"enroll web-0\"\n  group_id = aami_group.web.id\n"
                    + "  max_uses = 1\n}\n\n"
                    + "output \"token\" {\n  value     = aami_bootstrap_token.this.token\n  sensitive = true\n}\n");
            tf.run("apply", "-auto-approve").ok();
            String token = tf.run("output", "-raw", "token").ok().output().trim();
            assertThat(api.get("/api/v1/targets/" + id, TestServer.ADMIN).json().get("status").asText()).isEqualTo("pending");

            // Check scripts run as nobody and must pass through the temp dir on the way to their work dir.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
            Path agentDir = Files.createDirectory(tmp.resolve("agent"));
            Files.writeString(agentDir.resolve("agent-id"), id + "\n");
            Process agent = startAgent(agentDir, server.port(), token);
            try {
                Eventually.eventually(Duration.ofSeconds(90), "the agent enrolled as the pre-registered target",
                        () -> "online".equals(api.get("/api/v1/targets/" + id, TestServer.ADMIN).json().path("status").asText()),
                        () -> log(agentDir));
                var t = api.get("/api/v1/targets/" + id, TestServer.ADMIN).json();
                assertThat(t.get("hostname").asText()).isEqualTo("web-0");
                assertThat(t.get("reported_hostname").isNull()).isFalse();
                TerraformDir.Run plan = tf.run("plan", "-detailed-exitcode");
                assertThat(plan.exit()).as(plan.output()).isZero();
                tf.run("apply", "-refresh-only", "-auto-approve").ok();
                assertThat(tf.run("show").ok().output()).contains("status").contains("\"online\"");
            } finally {
                agent.destroyForcibly();
                agent.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    private static Process startAgent(Path dir, int port, String token) throws IOException {
        Path jar = Path.of(System.getProperty("aami.agent.jar", "../agent/target/aami-agent.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("the agent jar (mvn package -pl agent)").isRegularFile();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                server:
                  address: "127.0.0.1:%d"
                  bootstrap_token: "%s"
                  tls:
                    enabled: false
                agent:
                  id_file: "%s"
                  state_dir: "%s"
                checks:
                  run_as: nobody
                api:
                  listen: "off"
                logging:
                  format: text
                """.formatted(port, token, dir.resolve("agent-id"), dir.resolve("state")));
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        return pb.start();
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("agent.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
