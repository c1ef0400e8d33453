package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.metrics.MetricsExportTest;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real agent's own /metrics: one namespace, counters at 0 from start-up, build info, JVM and process metrics. */
class AgentMetricsEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void theAgentsOwnSeriesAreNamespacedExistAtZeroAndPassPromtool() throws Exception {
        try (TestServer server = TestServer.start(ChecksEndToEndTest.SERVER)) {
            int apiPort;
            try (ServerSocket s = new ServerSocket(0)) {
                apiPort = s.getLocalPort();
            }
            Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + server.port(), Fixtures.bootstrapToken(server.api(), 1, Map.of()));
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
            AgentConfig cfg = AgentConfigLoader.load(null, TestAgentConfig.quick(env));
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                eventually(Duration.ofSeconds(20), () -> scrape(apiPort).contains("aami_agent_enrolled 1.0"));
                String text = scrape(apiPort);

                for (String reason : List.of("signature", "target", "rollback", "expired", "unusable")) {
                    assertThat(text).contains("aami_agent_policy_refusals_total{reason=\"" + reason + "\"} 0.0");
                }
                for (String stream : List.of("checks", "probes")) {
                    assertThat(text).contains("aami_agent_results_rejected_total{stream=\"" + stream + "\"} 0.0")
                            .contains("aami_agent_send_failures_total{stream=\"" + stream + "\"} 0.0")
                            .contains("aami_agent_results_sent_total{stream=\"" + stream + "\"} 0.0");
                }
                assertThat(text).contains("aami_agent_heartbeats_total{result=\"error\"} 0.0")
                        .contains("aami_agent_enrollments_total{result=\"refused_key\"} 0.0")
                        .contains("aami_agent_enrollments_total{result=\"ok\"} 1.0")
                        .contains("aami_agent_build_info{agent_id=\"" + agent.agentId() + "\",version=\"")
                        .contains("aami_agent_probes_total{protocol=\"TCP\",reason=\"ok\"} 0.0")
                        .contains("aami_agent_probe_duration_seconds_bucket{")
                        .contains("jvm_memory_used_bytes{")
                        .contains("process_cpu_seconds_total ")
                        .doesNotContain("aami_agent_info{");
                assertThat(text.lines().filter(l -> l.startsWith("aami_") && !l.startsWith("aami_agent_")).toList())
                        .as("every aami series of the agent is aami_agent_*").isEmpty();
                MetricsExportTest.promtoolAccepts(text);
            }
        }
    }

    /** The agent's /metrics, or "" while its local API is not up yet. */
    private static String scrape(int port) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        try {
            return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
