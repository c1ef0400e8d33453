package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code prometheus} binary discovers a real enrolled agent through {@code http_sd_configs} against
 * {@code /api/v1/sd/prometheus} (the monitoring token from {@code credentials_file}), relabels its
 * {@code __meta_aami_*} labels and scrapes its local {@code /metrics}. The agent's API listens on 127.0.0.2, a
 * loopback address other than the default 127.0.0.1, so all traffic stays on this host; its heartbeats come
 * from 127.0.0.1, so the server lists it only because {@code sd.allowed_cidrs} names both: the address bound, and
 * the heartbeats' source (an agent whose heartbeats come from outside them cannot claim an address in them).
 * Skipped when prometheus is not installed, unless AAMI_REQUIRE_TOOLS is set (CI installs it).
 */
class PrometheusDiscoveryEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    @TempDir
    Path prometheusDir;

    @Test
    void prometheusDiscoversTheAgentWithItsLabelsAndScrapesItUp() throws Exception {
        Path prometheus = tool("prometheus");
        Map<String, String> serverEnv = new java.util.HashMap<>(ChecksEndToEndTest.SERVER);
        serverEnv.put("AAMI_SD_ALLOWED_CIDRS", "127.0.0.2/32,127.0.0.1/32");
        try (TestServer server = TestServer.start(serverEnv)) {
            Api api = server.api();
            String group = Fixtures.group(api, "sd-e2e");
            String token = Fixtures.bootstrapToken(api, 1, Map.of("group_id", group, "labels", Map.of("env", "e2e", "team.name", "ops")));
            Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + server.port(), token);
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_API_LISTEN", "127.0.0.2:0");
            AgentConfig cfg = AgentConfigLoader.load(null, TestAgentConfig.quick(env));
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                String id = agent.agentId().toString();
                eventually(Duration.ofSeconds(20), "the agent is listed", () -> api.get("/api/v1/sd/prometheus", MONITORING).json()
                        .findValuesAsText("__meta_aami_agent_id").contains(id));
                int port = freePort();
                Process p = startPrometheus(prometheus, server.port(), port);
                try {
                    eventually(Duration.ofSeconds(60), "prometheus discovers the agent and its scrape is up",
                            () -> up(target(port, id)), () -> log(p));
                    JsonNode t = target(port, id);
                    assertThat(t.get("scrapeUrl").asText()).startsWith("http://127.0.0.2:").endsWith("/metrics");
                    assertThat(t.get("labels").get("agent_id").asText()).isEqualTo(id);
                    assertThat(t.get("labels").get("group").asText()).isEqualTo("sd-e2e");
                    assertThat(t.get("labels").get("label_env").asText()).isEqualTo("e2e");
                    assertThat(t.get("labels").get("label_team_name").asText()).isEqualTo("ops");
                    assertThat(t.get("discoveredLabels").get("__meta_aami_group_id").asText()).isEqualTo(group);
                    assertThat(t.get("discoveredLabels").get("__meta_aami_hostname").asText()).isNotBlank();
                    eventually(Duration.ofSeconds(30), "the agent's own series are in Prometheus", () -> query(port,
                            "aami_agent_enrolled{agent_id=\"" + id + "\",group=\"sd-e2e\"}").size() == 1, () -> log(p));
                } finally {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }

    /**
     * Prometheus on loopback, its SD and scrapes every second, the relabeling the README shows. {@code type: Bearer}
     * must be spelled out: Prometheus's http_sd_configs do not default it (prometheus/prometheus#12762) and send the
     * bare token, which the server refuses (401).
     */
    private Process startPrometheus(Path binary, int serverPort, int port) throws IOException {
        Path credentials = prometheusDir.resolve("monitoring.token");
        Files.writeString(credentials, MONITORING);
        Path config = prometheusDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: aami-agents
                    http_sd_configs:
                      - url: http://127.0.0.1:%d/api/v1/sd/prometheus
                        refresh_interval: 1s
                        authorization:
                          type: Bearer
                          credentials_file: %s
                    relabel_configs:
                      - source_labels: [__meta_aami_agent_id]
                        target_label: agent_id
                      - source_labels: [__meta_aami_hostname]
                        target_label: hostname
                      - source_labels: [__meta_aami_group_name]
                        target_label: group
                      - action: labelmap
                        regex: __meta_aami_(label_.+)
                """.formatted(serverPort, credentials));
        return new ProcessBuilder(binary.toString(), "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + prometheusDir.resolve("tsdb"), "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(prometheusDir.resolve("prometheus.log").toFile()).start();
    }

    private JsonNode target(int port, String agentId) {
        JsonNode targets = get(port, "/api/v1/targets?state=active");
        if (targets != null) {
            for (JsonNode t : targets.path("data").path("activeTargets")) {
                if (agentId.equals(t.path("discoveredLabels").path("__meta_aami_agent_id").asText())) {
                    return t;
                }
            }
        }
        return null;
    }

    private static boolean up(JsonNode target) {
        return target != null && "up".equals(target.get("health").asText());
    }

    private List<JsonNode> query(int port, String promql) {
        JsonNode r = get(port, "/api/v1/query?query=" + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8));
        List<JsonNode> out = new java.util.ArrayList<>();
        if (r != null) {
            r.path("data").path("result").forEach(out::add);
        }
        return out;
    }

    private static JsonNode get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Api.mapper().readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String log(Process p) {
        try {
            return (p.isAlive() ? "" : "prometheus exited " + p.exitValue() + "\n") + Files.readString(prometheusDir.resolve("prometheus.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code name} on PATH; skips the test without it unless AAMI_REQUIRE_TOOLS is set. */
    static Path tool(String name) {
        String path = System.getenv("PATH");
        Path found = path == null ? null : List.of(path.split(File.pathSeparator)).stream().map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(found).as(name + " on PATH (AAMI_REQUIRE_TOOLS is set)").isNotNull();
        }
        assumeTrue(found != null, name + " not installed");
        return found;
    }
}
