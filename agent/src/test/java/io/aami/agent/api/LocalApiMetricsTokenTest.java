package io.aami.agent.api;

import io.aami.agent.testing.ProbeTarget;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.probes.ProbeEngine;
import io.aami.agent.probes.ProbeMetrics;
import io.aami.agent.probes.ProbeRoutes;
import io.aami.common.json.WireJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics-only credential ({@code api.metrics_token_file}) on a real local API, wired from a loaded configuration
 * with real token files as the agent wires it: the status routes and the real probe routes, and a real listener that
 * counts every probe that reaches it. The token Prometheus holds scrapes {@code /metrics} and cannot make the host
 * connect anywhere.
 */
class LocalApiMetricsTokenTest {
    private static final String FULL = "full-token-0123456789abcdef";
    private static final String METRICS = "metrics-token-fedcba9876543210";
    private final ObjectMapper mapper = WireJson.mapper();
    @TempDir
    Path dir;
    private ProbeTarget target;
    private List<Integer> arrived;
    private ProbeEngine engine;
    private LocalApi api;

    @BeforeEach
    void listen() throws IOException {
        target = new ProbeTarget();
        arrived = target.arrivedFromPorts();
    }

    @AfterEach
    void stop() throws IOException {
        if (api != null) {
            api.close();
        }
        if (engine != null) {
            engine.close();
        }
        target.close();
    }

    /** The API on {@code listen} with {@code extraEnv}, its routes as AgentMain wires them (status and probes). */
    private int start(String listen, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_SERVER_ADDRESS", "127.0.0.1:1", "AAMI_SERVER_TLS_ENABLED", "false",
                "AAMI_API_LISTEN", listen));
        env.putAll(extraEnv);
        AgentConfig cfg = AgentConfigLoader.load(null, env);
        ProbeMetrics metrics = new ProbeMetrics(new PrometheusRegistry(), 100);
        engine = new ProbeEngine(64, Clock.systemUTC(), metrics);
        Map<String, LocalApi.Endpoint> routes = new LinkedHashMap<>(new StatusRoutes(new AgentMetrics(), new CredentialHolder(),
                UUID.randomUUID()).routes());
        routes.putAll(new ProbeRoutes(engine, metrics, false, java.time.Clock.systemUTC()).routes());
        api = LocalApi.start(cfg.api(), WireJson.mapper(LocalApi.MAX_BODY * 2), routes, Executors.newFixedThreadPool(4));
        return api.port();
    }

    private String tokenFile(String name, String token) throws IOException {
        Path file = Files.writeString(dir.resolve(name), token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file.toString();
    }

    private String probeQuery() {
        return "/probe?target_ip=127.0.0.1&target_port=" + target.port() + "&timeout_ms=2000";
    }

    private String task() {
        return "{\"task_id\":\"t\",\"target_ip\":\"127.0.0.1\",\"target_port\":" + target.port() + ",\"timeout_ms\":2000}";
    }

    private JsonNode json(RawHttp.Response r) throws IOException {
        return mapper.readTree(r.body());
    }

    @Test
    void theMetricsTokenScrapesMetricsAndRunsNothingElse() throws Exception {
        int port = start("127.0.0.1:0", Map.of("AAMI_API_TOKEN_FILE", tokenFile("api.token", FULL),
                "AAMI_API_METRICS_TOKEN_FILE", tokenFile("metrics.token", METRICS)));
        String host = "Host: 127.0.0.1:" + port;
        String asPrometheus = "Authorization: Bearer " + METRICS;
        RawHttp.Response scrape = RawHttp.send(port, "GET", "/metrics", null, host, asPrometheus);
        assertThat(scrape.status()).as(scrape.body()).isEqualTo(200);
        assertThat(scrape.body()).contains("aami_agent_enrolled");
        assertThat(RawHttp.send(port, "GET", "/metrics", null, host, "Authorization: bearer " + METRICS).status())
                .as("the scheme in any case").isEqualTo(200);

        String json = "Content-Type: application/json";
        List<RawHttp.Response> refused = List.of(RawHttp.send(port, "GET", probeQuery(), null, host, asPrometheus),
                RawHttp.send(port, "POST", "/probe_json", task(), host, asPrometheus, json),
                RawHttp.send(port, "POST", "/run_tasks", "[" + task() + "]", host, asPrometheus, json),
                RawHttp.send(port, "GET", "/healthz", null, host, asPrometheus),
                RawHttp.send(port, "POST", "/metrics", "{}", host, asPrometheus, json),
                RawHttp.send(port, "HEAD", "/metrics", null, host, asPrometheus),
                RawHttp.send(port, "GET", "/metrics/../probe", null, host, asPrometheus),
                RawHttp.send(port, "GET", "/nope", null, host, asPrometheus));
        for (RawHttp.Response r : refused) {
            assertThat(r.status()).as(r.head()).isEqualTo(403);
            if (!r.body().isEmpty()) {
                assertThat(json(r).get("code").asText()).isEqualTo("FORBIDDEN");
                assertThat(json(r).get("field").asText()).isEqualTo("Authorization");
            }
        }
        Thread.sleep(300);
        assertThat(arrived).as("no probe left with the metrics token").isEmpty();

        for (String[] headers : List.of(new String[] {host}, new String[] {host, "Authorization: Bearer wrong-token-0123456789"},
                new String[] {host, "Authorization: " + METRICS}, new String[] {host, "Authorization: Basic " + METRICS})) {
            RawHttp.Response r = RawHttp.send(port, "GET", "/metrics", null, headers);
            assertThat(r.status()).as(String.join(", ", headers)).isEqualTo(401);
            assertThat(r.head()).containsIgnoringCase("WWW-Authenticate: Bearer realm=\"aami-agent\"");
            assertThat(json(r).get("code").asText()).isEqualTo("UNAUTHORIZED");
        }
        String asOperator = "Authorization: Bearer " + FULL;
        assertThat(RawHttp.send(port, "GET", "/metrics", null, host, asOperator).status()).isEqualTo(200);
        RawHttp.Response probe = RawHttp.send(port, "GET", probeQuery(), null, host, asOperator);
        assertThat(probe.status()).as(probe.body()).isEqualTo(200);
        for (int i = 0; i < 100 && arrived.isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertThat(arrived).as("the full token still runs probes").hasSize(1);
    }

    /** On loopback without api.token the other routes stay as open as before; /metrics needs the metrics token. */
    @Test
    void aMetricsTokenAloneGuardsOnlyMetrics() throws Exception {
        int port = start("127.0.0.1:0", Map.of("AAMI_API_METRICS_TOKEN_FILE", tokenFile("metrics.token", METRICS)));
        String host = "Host: 127.0.0.1:" + port;
        assertThat(RawHttp.send(port, "GET", "/metrics", null, host).status()).isEqualTo(401);
        assertThat(RawHttp.send(port, "GET", "/metrics", null, host, "Authorization: Bearer " + METRICS).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/healthz", null, host).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", probeQuery(), null, host).status()).isEqualTo(200);
    }

    /**
     * {@code api.listen: 127.1} binds 127.0.0.1; the heartbeat reports what was bound, canonically, since the server
     * refuses {@code 127.1} (and would otherwise never learn where the API is). A name is reported as written.
     */
    @Test
    void aShorthandListenAddressIsReportedAsTheAddressBound() throws Exception {
        for (String[] listen : List.of(new String[] {"127.1:0", "127.0.0.1"}, new String[] {"2130706433:0", "127.0.0.1"},
                new String[] {"127.000.000.001:0", "127.0.0.1"}, new String[] {"localhost:0", "localhost"})) {
            int port = start(listen[0], Map.of());
            assertThat(api.address().host()).as(listen[0]).isEqualTo(listen[1]);
            assertThat(api.address().port()).isEqualTo(port);
            RawHttp.Response r = RawHttp.send(port, "GET", "/healthz", null, "Host: " + api.address().host() + ":" + port);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            api.close();
            api = null;
            engine.close();
            engine = null;
        }
    }
}
