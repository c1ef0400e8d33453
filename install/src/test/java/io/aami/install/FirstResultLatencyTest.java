package io.aami.install;

import static io.aami.install.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.db.EmbeddedClusterTemplate;
import io.aami.server.testing.Api;
import io.aami.server.testing.TlsTestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start's promise about a new check: with {@code run-local.sh} as the README runs it, an
 * hourly check added through the API has its first result in the API and in {@code /metrics} within
 * seconds, not within the hour its phase could otherwise be away. The README's figures: the agent
 * hears of the check within a second, runs it within 5 s, delivers every 5 s, and {@code /metrics}
 * shares a rendering for 5 s; the bounds below leave room for a loaded machine, and are still two
 * orders of magnitude below what waiting for the phase could take.
 */
@Tag(RunLocalScriptTest.ALONE)
class FirstResultLatencyTest {
    private static final Duration IN_THE_API = Duration.ofSeconds(25);
    private static final Duration IN_METRICS = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anHourlyCheckShowsItsFirstResultWithinSeconds() throws Exception {
        Path repo = Path.of(System.getProperty("aami.repo.dir")).toAbsolutePath().normalize();
        Path data = dir.resolve("data");
        int port = Waits.freePort();
        Map<String, String> env = Map.of("AAMI_LOCAL_DATA", data.toString(), "AAMI_LOCAL_PORT", Integer.toString(port),
                "AAMI_LOCAL_AGENT_PORT", Integer.toString(Waits.freePort()));
        // RunLocalScriptTest starts from nothing; this test times the check, not the cluster's unpacking and initdb.
        EmbeddedClusterTemplate.seed(data.resolve("server"), JavaProcess.jar("aami.server.jar"));
        try (JavaProcess script = JavaProcess.command(List.of("bash", repo.resolve("run-local.sh").toString()), env,
                dir.resolve("run-local.out"), repo)) {
            script.awaitOutput("Press Ctrl-C to stop.", Duration.ofSeconds(180));
            String admin = Files.readString(data.resolve("server/admin-token")).trim();
            String agentId = Files.readString(data.resolve("agent/agent-id")).trim();
            Api api = new Api("https://127.0.0.1:" + port, TlsTestClients.trusting(data.resolve("server/pki/ca.crt"), null));
            eventually(Duration.ofSeconds(30), "agent online",
                    () -> api.get("/api/v1/targets/" + agentId, admin).json().path("status").asText().equals("online"));

            long start = System.nanoTime();
            assertThat(api.post("/api/v1/checks", Map.of("name", "hourly", "interpreter", "sh", "script", "echo fine",
                    "interval_seconds", 3600, "timeout_seconds", 10, "global", true), admin).status()).isEqualTo(201);
            eventually(IN_THE_API, "the hourly check's first result in the API", () -> ok(api, agentId, admin),
                    () -> logs(data));
            Duration inApi = Duration.ofNanos(System.nanoTime() - start);
            eventually(IN_METRICS.minus(inApi), "the hourly check's first result on /metrics",
                    () -> api.get("/metrics", null).body().lines().anyMatch(FirstResultLatencyTest::hourlyIsOk), () -> logs(data));
            System.out.printf("first result of an hourly check: API after %d ms, /metrics after %d ms%n", inApi.toMillis(),
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            script.terminate(Duration.ofSeconds(30));
        }
    }

    private static boolean ok(Api api, String agentId, String admin) {
        for (JsonNode state : api.get("/api/v1/targets/" + agentId + "/checks", admin).json()) {
            if ("hourly".equals(state.path("name").asText()) && "ok".equals(state.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    /** {@code aami_check_status{…,check="hourly",…} 0}: the check's status is ok. */
    private static boolean hourlyIsOk(String line) {
        return line.startsWith("aami_check_status{") && line.contains("check=\"hourly\"")
                && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) == 0;
    }

    private static String logs(Path data) {
        try {
            return Files.readString(data.resolve("agent.log"));
        } catch (java.io.IOException e) {
            return "(no agent log: " + e + ")";
        }
    }
}
