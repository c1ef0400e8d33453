package io.aami.install;

import static io.aami.install.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.EmbeddedClusterTemplate;
import io.aami.server.testing.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, as a new user types it: server on embedded PostgreSQL plus an enrolled agent. */
@Tag(RunLocalScriptTest.ALONE)
class RunLocalScriptTest {
    /**
     * The tag of the tests that run run-local.sh ({@code -Dgroups=run-local} selects them). They once ran alone, after
     * the others: the script rebuilds the jars when a {@code *.java}, {@code pom.xml} or {@code *.sql} in the checkout
     * is newer than them, and the other tests' data dirs under {@code target/} hold unpacked PostgreSQL {@code *.sql}
     * files. Its check now skips {@code target/}, so they run beside the others.
     */
    static final String ALONE = "run-local";

    @TempDir
    Path dir;

    final Path repo = Path.of(System.getProperty("aami.repo.dir")).toAbsolutePath().normalize();
    final int port = Waits.freePort();
    final int apiPort = Waits.freePort();

    Path data() {
        return dir.resolve("data");
    }

    JavaProcess runLocal(String output) throws Exception {
        Map<String, String> env = Map.of("AAMI_LOCAL_DATA", data().toString(), "AAMI_LOCAL_PORT", Integer.toString(port),
                "AAMI_LOCAL_AGENT_PORT", Integer.toString(apiPort));
        return JavaProcess.command(List.of("bash", repo.resolve("run-local.sh").toString()), env, dir.resolve(output), repo);
    }

    @Test
    void runLocalStartsAServerAndAnEnrolledAgentAndStopsBoth() throws Exception {
        Path data = data();
        try (JavaProcess script = runLocal("run-local.out")) {
            script.awaitOutput("Press Ctrl-C to stop.", Duration.ofSeconds(120));
            assertThat(script.output()).contains("https://127.0.0.1:" + port).contains(data.resolve("server/admin-token").toString())
                    .containsPattern("pin for agents: sha256:[0-9a-f]{64}").doesNotContain("Error");
            String admin = Files.readString(data.resolve("server/admin-token")).trim();
            Api server = new Api("https://127.0.0.1:" + port,
                    io.aami.server.testing.TlsTestClients.trusting(data.resolve("server/pki/ca.crt"), null));
            String agentId = Files.readString(data.resolve("agent/agent-id")).trim();
            eventually(Duration.ofSeconds(30), "agent online",
                    () -> server.get("/api/v1/targets/" + agentId, admin).json().get("status").asText().equals("online"));
            assertThat(new Api("http://127.0.0.1:" + apiPort).get("/healthz", null).json().get("enrolled").asBoolean()).isTrue();
            script.terminate(Duration.ofSeconds(30));
            assertThat(script.output()).contains("stopping aami").doesNotContain("a process exited");
            eventually(Duration.ofSeconds(10), "both processes gone", () -> {
                try {
                    server.get("/health", null);
                    return false;
                } catch (RuntimeException e) {
                    return true;
                }
            });
        }
    }

    /**
     * A restart on existing data: the agent starts only once the server answers /ready, so its log holds no
     * "no answer from" burst; the banner comes only when /ready answers.
     */
    @Test
    void aRestartStartsTheAgentOnlyWhenTheServerIsReady() throws Exception {
        Path data = data();
        // The first run from nothing is the test above; here the cluster's unpacking and initdb would only cost time.
        EmbeddedClusterTemplate.seed(data.resolve("server"), JavaProcess.jar("aami.server.jar"));
        for (String run : List.of("first", "restart")) {
            try (JavaProcess script = runLocal("run-local-" + run + ".out")) {
                script.awaitOutput("Press Ctrl-C to stop.", Duration.ofSeconds(120));
                Api server = new Api("https://127.0.0.1:" + port,
                        io.aami.server.testing.TlsTestClients.trusting(data.resolve("server/pki/ca.crt"), null));
                assertThat(server.get("/ready", null).status()).as(run + ": /ready when the banner shows").isEqualTo(200);
                String agentLog = Files.readString(data.resolve("agent.log"));
                assertThat(agentLog).as(run + ": the agent never met a server that was not up").doesNotContain("no answer from");
                assertThat(firstTime(agentLog, "")).as(run + ": the agent started after the server listened")
                        .isAfterOrEqualTo(firstTime(Files.readString(data.resolve("server.log")), "config-server listening on"));
                script.terminate(Duration.ofSeconds(30));
            }
        }
    }

    /** The time of the first log line containing {@code text} (the log's text format starts each line with it). */
    private static java.time.OffsetDateTime firstTime(String log, String text) {
        String line = log.lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*") && l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with '" + text + "' in:\n" + log));
        return java.time.OffsetDateTime.parse(line.substring(0, line.indexOf(' ')));
    }
}
