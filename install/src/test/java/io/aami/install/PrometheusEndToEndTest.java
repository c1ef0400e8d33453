package io.aami.install;

import static io.aami.install.Waits.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.SiteAddress;
import io.aami.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped monitoring files against a real Prometheus: a TLS config-server (in this JVM, on a free
 * port) and a real agent process with two checks (ok, critical) and two probes (open, closed port),
 * scraped over TLS with the CA file and the agents found through the server's HTTP SD, as
 * install/prometheus/prometheus.yml says. The test shortens intervals (scrape and evaluation 1 s,
 * heartbeat 1 s, offline after 2 missed) and rewrites every rule's {@code for:} to 2 s; the
 * expressions are the shipped ones. Every PromQL expression of the rules and the dashboard must parse
 * and return series, except the few listed in {@link #EMPTY_WHILE_HEALTHY}, which must return none.
 */
class PrometheusEndToEndTest {
    private static final Pattern FOR = Pattern.compile("(?m)^(\\s+for: )\\S+$");

    /** Expressions that return nothing while the agent runs and the server is healthy, and why. */
    static final Map<String, String> EMPTY_WHILE_HEALTHY = Map.of(
            "rule AgentDown", "the agent heartbeats (it fires once the agent stops, checked below)",
            "rule PolicyRefused", "the agent accepted its policy",
            "rule CheckStale", "both checks report every second",
            "rule SpoolDropping", "the agent's spool drops nothing",
            "rule ServerIngestErrors", "no batch is malformed and no delivery fails",
            "rule ServerDatabaseDown", "PostgreSQL is up and the server is scraped",
            "panel 'Failing and stale probes' B", "both probes report every second (no stale probe)",
            "panel 'Ingest errors' C", "no result delivery gets a 5xx",
            "rule ConnectionsCloseWait", "this agent sends no discovery report (PrometheusRulesTest fires it on series)",
            "rule UndeclaredDependency", "this agent sends no discovery report: its scan sees the whole host, where other "
                    + "tests' connections come and go; PrometheusRulesTest fires it on series, DiscoveryApiTest exports them");

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesOverTlsEvaluatesEveryExpressionAndSeesAnAgentGoDown() throws Exception {
        MonitoringFiles.requireTool("prometheus");
        long started = System.nanoTime();
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on", "AAMI_TLS_CLIENT_CERT_VALIDITY", "1h",
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_MISSED_FOR_OFFLINE", "2",
                "AAMI_HEARTBEAT_SWEEP_INTERVAL", "200ms", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms",
                // The agent reaches the server at this host's own address, so its heartbeats come from it (below).
                "AAMI_LISTEN", "0.0.0.0:0", "AAMI_TLS_SERVER_NAMES", SiteAddress.get()));
             ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String token = defineFleet(server.api(), open.getLocalPort());
            String agentMetricsToken = "e2e-agent-metrics-token-" + UUID.randomUUID();
            Path etc = dir.resolve("prometheus");
            Path config = MonitoringFiles.installConfig(etc, shortWindows(Files.readString(MonitoringFiles.RULES)),
                    Files.readString(server.caCertificate()), MONITORING, agentMetricsToken);
            PrometheusProcess.adapt(config, server.port());
            try (JavaProcess agent = startAgent(server, token, agentMetricsToken);
                 PrometheusProcess prometheus = PrometheusProcess.start(config, etc)) {
                mark("server, agent and prometheus started", started);
                eventually(Duration.ofSeconds(20), "prometheus ready", prometheus::ready, prometheus::output);
                UUID id = awaitEnrolled(server.api(), agent);
                String me = "agent_id=\"" + id + "\"";
                String hostname = server.api().get("/api/v1/targets/" + id, ADMIN).json().get("hostname").asText();
                mark("agent enrolled", started);

                awaitScraped(prometheus, agent, me, hostname);
                mark("check status, agent's own series and alerts scraped and evaluated", started);
                assertEveryExpression(prometheus, hostname);
                assertThat(firing(prometheus, "AgentDown", me)).isFalse();
                mark("every expression checked", started);

                assertThat(agent.terminate(Duration.ofSeconds(15))).isIn(0, 143);
                mark("agent stopped", started);
                eventually(Duration.ofSeconds(20), "AgentDown for the stopped agent",
                        () -> "0".equals(prometheus.value("aami_agent_up{" + me + "}")) && firing(prometheus, "AgentDown", me),
                        prometheus::output);
                assertThat(prometheus.series("ALERTS{alertname=\"AgentDown\"," + me + "}").get(0).get("metric").get("hostname").asText())
                        .isEqualTo(hostname);
            }
        }
        mark("AgentDown pending or firing; done", started);
    }

    /** Group e2e with an ok and a critical check and probes to an open and a closed port; a bootstrap token into it. */
    private static String defineFleet(Api api, int openPort) {
        String group = Fixtures.group(api, "e2e");
        Fixtures.createCheck(api, Fixtures.check("e2e-ok", "echo fine", 1, Map.of("group_id", group)));
        Fixtures.createCheck(api, Fixtures.check("e2e-critical", "echo broken; exit 2", 1, Map.of("group_id", group)));
        probe(api, group, "e2e-open", openPort);
        probe(api, group, "e2e-closed", 1);
        return Fixtures.bootstrapToken(api, 1, Map.of("name", "e2e", "group_id", group));
    }

    private UUID awaitEnrolled(Api api, JavaProcess agent) throws Exception {
        eventually(Duration.ofSeconds(30), "agent id file", () -> Files.exists(dir.resolve("agent/agent-id")), agent::output);
        UUID id = UUID.fromString(Files.readString(dir.resolve("agent/agent-id")).strip());
        eventually(Duration.ofSeconds(30), "agent enrolled", () -> api.get("/api/v1/targets/" + id, ADMIN).status() == 200,
                agent::output);
        return id;
    }

    /** The checks' statuses from the server over TLS, the agent's own series through the SD, alerts on that data. */
    private static void awaitScraped(PrometheusProcess prometheus, JavaProcess agent, String me, String hostname)
            throws InterruptedException {
        eventually(Duration.ofSeconds(30), "aami_check_status scraped over TLS",
                () -> "0".equals(prometheus.value("aami_check_status{" + me + ",check=\"e2e-ok\",group=\"e2e\"}"))
                        && "2".equals(prometheus.value("aami_check_status{" + me + ",check=\"e2e-critical\"}")),
                () -> prometheus.output() + agent.output());
        eventually(Duration.ofSeconds(20), "the agent's own /metrics through the HTTP SD",
                () -> "1".equals(prometheus.value("up{job=\"aami-agents\"," + me + ",hostname=\"" + hostname + "\",group=\"e2e\"}")),
                prometheus::output);
        assertThat(prometheus.series("aami_agent_build_info{job=\"aami-agents\"," + me + "}")).hasSize(1);
        eventually(Duration.ofSeconds(20), "CheckCritical and ProbeFailing fire on real data",
                () -> firing(prometheus, "CheckCritical", me + ",check=\"e2e-critical\"")
                        && firing(prometheus, "ProbeFailing", me + ",probe=\"e2e-closed\""), prometheus::output);
    }

    /** Every rule and dashboard expression parses and returns series, except those listed, which return none. */
    private static void assertEveryExpression(PrometheusProcess prometheus, String hostname) throws InterruptedException {
        List<MonitoringFiles.Expression> all = new ArrayList<>(MonitoringFiles.ruleExpressions());
        MonitoringFiles.dashboardExpressions().forEach(e -> all.add(new MonitoringFiles.Expression(e.source(),
                grafanaVariables(e.expr(), "e2e", hostname))));
        assertThat(EMPTY_WHILE_HEALTHY.keySet()).allMatch(k -> all.stream().anyMatch(e -> e.source().equals(k)));
        List<String> wrong = new ArrayList<>();
        eventually(Duration.ofSeconds(20), "every expression parses, and returns series unless listed",
                () -> unexpected(prometheus, all, wrong).isEmpty(), () -> String.join("\n", wrong));
    }

    /** How long the test took to reach each step, for the log (its runtime budget is about a minute). */
    private static void mark(String step, long started) {
        System.out.printf("PrometheusEndToEndTest: %s after %.1f s%n", step, (System.nanoTime() - started) / 1e9);
    }

    /** Every rule's {@code for:} shortened to 2 s, so the test sees pending and firing within its patience. */
    static String shortWindows(String rules) {
        Matcher m = FOR.matcher(rules);
        String shortened = m.replaceAll("$12s");
        assertThat(FOR.matcher(rules).results().count()).isEqualTo(PrometheusRulesTest.ALERTS.size());
        return shortened;
    }

    /** The variables Grafana substitutes: the test's group and host (regex-escaped, as Grafana does), and a 1 min rate window. */
    static String grafanaVariables(String expr, String group, String hostname) {
        return expr.replace("$__rate_interval", "1m").replace("$group", regex(group)).replace("$hostname", regex(hostname));
    }

    /** A literal as a PromQL regex inside a double-quoted string: each metacharacter behind an escaped backslash. */
    private static String regex(String literal) {
        return literal.replaceAll("([\\\\.+*?()\\[\\]{}|^$-])", "\\\\\\\\$1");
    }

    /** Expressions that fail to run, return nothing though they should, or return series though listed as empty. */
    private static List<String> unexpected(PrometheusProcess prometheus, List<MonitoringFiles.Expression> all, List<String> wrong) {
        wrong.clear();
        for (MonitoringFiles.Expression e : all) {
            JsonNode answer = prometheus.query(e.expr());
            if (!"success".equals(answer.path("status").asText())) {
                wrong.add(e.source() + " fails: " + answer + " (" + e.expr() + ")");
            } else if (answer.get("data").get("result").isEmpty() != EMPTY_WHILE_HEALTHY.containsKey(e.source())) {
                wrong.add(e.source() + (EMPTY_WHILE_HEALTHY.containsKey(e.source()) ? " returns series: " + answer.get("data")
                        : " returns nothing") + " (" + e.expr() + ")");
            }
        }
        return wrong;
    }

    /** Whether the alert is pending or firing for series matching {@code matchers}. */
    private static boolean firing(PrometheusProcess prometheus, String alert, String matchers) {
        return !prometheus.series("ALERTS{alertname=\"" + alert + "\"," + matchers + "}").isEmpty();
    }

    private static void probe(Api api, String group, String name, int port) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "target", "127.0.0.1", "target_port", port,
                "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 1, "group_id", group));
        assertThat(api.post("/api/v1/probes", body, ADMIN).status()).isEqualTo(201);
    }

    /**
     * The agent jar as a process, trusting the server's CA file. Its local API listens as a scraped agent's
     * must (README): on every address behind {@code api.token}, so the SD lists it at the address its
     * heartbeats come from: it reaches the server at this host's first non-loopback IPv4 address (a loopback
     * source is never listed, and neither is the address an agent merely claims at enrollment). Prometheus
     * scrapes it with the agent's metrics-only token ({@code api.metrics_token_file}), written where the shipped
     * config reads the agents' metrics credential; the full {@code api.token} never leaves the agent.
     */
    private JavaProcess startAgent(TestServer server, String token, String metricsToken) throws Exception {
        Path home = Files.createDirectories(dir.resolve("agent"));
        // As /var/lib is: check scripts run as nobody and must pass the temp dirs on the way to their files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Path yaml = Files.writeString(home.resolve("agent.yaml"), "logging:\n  format: text\n");
        Path metricsTokenFile = Files.createFile(home.resolve("metrics-token"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(metricsTokenFile, metricsToken + "\n");
        Map<String, String> env = Map.of("AAMI_SERVER_ADDRESS", SiteAddress.get() + ":" + server.port(),
                "AAMI_SERVER_BOOTSTRAP_TOKEN", token, "AAMI_SERVER_TLS_CA_CERT", server.caCertificate().toString(),
                "AAMI_AGENT_ID_FILE", home.resolve("agent-id").toString(), "AAMI_AGENT_STATE_DIR", home.resolve("state").toString(),
                "AAMI_API_LISTEN", "0.0.0.0:" + Waits.freePort(), "AAMI_API_TOKEN", "e2e-agent-api-token-" + UUID.randomUUID(), "AAMI_CHECKS_RUN_AS", "nobody",
                "AAMI_CHECKS_FLUSH_INTERVAL", "200ms", "AAMI_POLICY_WAIT", "5s");
        Map<String, String> all = new HashMap<>(env);
        all.put("AAMI_SERVER_RETRY_MAX_INTERVAL", "2s");
        // The scan would see every connection on this host, other tests' too (one to 203.0.113.80:443 was once reported
        // and fired UndeclaredDependency); the agent still scans and exports its own series, it only does not report.
        all.put("AAMI_DISCOVERY_REPORT_ENABLED", "false");
        all.put("AAMI_AGENT_IP_ADDRESS", SiteAddress.get());
        all.put("AAMI_API_METRICS_TOKEN_FILE", metricsTokenFile.toString());
        return JavaProcess.start(JavaProcess.jar("aami.agent.jar"), all, dir.resolve("agent.log"), "--config", yaml.toString());
    }
}
