package io.aami.agent.api;

import io.aami.agent.testing.ProbeTarget;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.probes.ProbeEngine;
import io.aami.agent.probes.ProbeMetrics;
import io.aami.agent.probes.ProbeRoutes;
import io.aami.common.json.WireJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local API against a browser on the host used as a weapon (CSRF, DNS rebinding) and against a local
 * user asking the root agent for a privileged source port. A real API with the real probe routes, wired
 * from a loaded configuration as the agent wires it; a real listener counts every probe that arrives.
 */
class LocalApiBrowserAttackTest {
    private final ObjectMapper mapper = WireJson.mapper();
    private ProbeTarget target;
    private List<Integer> arrivedFromPorts;
    private ProbeEngine engine;
    private LocalApi api;

    @BeforeEach
    void listen() throws IOException {
        target = new ProbeTarget();
        arrivedFromPorts = target.arrivedFromPorts();
    }

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (engine != null) {
            engine.close();
        }
        target.close();
    }

    /** The agent's local API on port 0 with {@code extraEnv} on top of the defaults, wired as AgentMain does. */
    private int start(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("AAMI_SERVER_ADDRESS", "127.0.0.1:1", "AAMI_SERVER_TLS_ENABLED", "false",
                "AAMI_API_LISTEN", "127.0.0.1:0"));
        env.putAll(extraEnv);
        AgentConfig cfg = AgentConfigLoader.load(null, env);
        ProbeMetrics metrics = new ProbeMetrics(new PrometheusRegistry(), 100);
        engine = new ProbeEngine(64, Clock.systemUTC(), metrics);
        api = LocalApi.start(cfg.api(), WireJson.mapper(LocalApi.MAX_BODY * 2),
                new ProbeRoutes(engine, metrics, cfg.api().allowPrivilegedSourcePorts(), java.time.Clock.systemUTC()).routes(), Executors.newFixedThreadPool(4));
        return api.port();
    }

    private String task(Integer sourcePort) {
        return "{\"task_id\":\"t\",\"target_ip\":\"127.0.0.1\",\"target_port\":" + target.port()
                + (sourcePort == null ? "" : ",\"source_port\":" + sourcePort) + ",\"timeout_ms\":2000}";
    }

    private String probeQuery() {
        return "/probe?target_ip=127.0.0.1&target_port=" + target.port() + "&timeout_ms=2000";
    }

    private JsonNode json(RawHttp.Response r) throws IOException {
        return mapper.readTree(r.body());
    }

    @Test
    void aCrossOriginTextPlainPostIsRefusedAndNoProbeLeaves() throws Exception {
        int port = start(Map.of());
        String host = "Host: 127.0.0.1:" + port;
        // What fetch(url, {method: "POST", mode: "no-cors", body}) from http://evil.example sends: no preflight needed.
        RawHttp.Response fromPage = RawHttp.send(port, "POST", "/probe_json", task(null), host,
                "Origin: http://evil.example", "Content-Type: text/plain;charset=UTF-8", "Sec-Fetch-Site: cross-site");
        assertThat(fromPage.status()).isEqualTo(403);
        assertThat(json(fromPage).get("code").asText()).isEqualTo("CROSS_SITE_REQUEST");
        // The same body without the browser's headers (an old browser, or a form): still not JSON, still refused.
        RawHttp.Response plain = RawHttp.send(port, "POST", "/run_tasks", "[" + task(null) + "]", host,
                "Content-Type: text/plain");
        assertThat(plain.status()).isEqualTo(415);
        assertThat(json(plain).get("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(json(plain).get("field").asText()).isEqualTo("Content-Type");
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            assertThat(RawHttp.send(port, "POST", "/probe_json", task(null), host, "Content-Type: " + type).status())
                    .as(type).isEqualTo(415);
        }
        assertThat(RawHttp.send(port, "POST", "/probe_json", task(null), host).status()).as("no Content-Type").isEqualTo(415);
        Thread.sleep(300);
        assertThat(arrivedFromPorts).as("no probe reached the target").isEmpty();
    }

    @Test
    void aRequestForAnotherHostIsRefusedSoDnsRebindingReadsNothing() throws Exception {
        int port = start(Map.of());
        for (String host : List.of("evil.example", "evil.example:" + port, "127.0.0.1.evil.example", "localhost.evil.example",
                "127.0.0.1:" + port + "@evil.example", "[::1", "127.0.0.1:x")) {
            RawHttp.Response r = RawHttp.send(port, "GET", probeQuery(), null, "Host: " + host);
            assertThat(r.status()).as(host).isEqualTo(421);
            assertThat(json(r).get("code").asText()).isEqualTo("HOST_NOT_ALLOWED");
            assertThat(json(r).get("field").asText()).isEqualTo("Host");
            assertThat(RawHttp.send(port, "GET", "/nope", null, "Host: " + host).status()).as("before routing").isEqualTo(421);
        }
        assertThat(RawHttp.send(port, "GET", probeQuery(), null).status()).as("no Host at all").isEqualTo(421);
        assertThat(RawHttp.send(port, "GET", probeQuery(), null, "Host: 127.0.0.1", "Host: evil.example").status())
                .as("two Host headers").isEqualTo(421);
        Thread.sleep(300);
        assertThat(arrivedFromPorts).isEmpty();
    }

    @Test
    void aCrossSiteGetCannotFireAProbe() throws Exception {
        int port = start(Map.of());
        String host = "Host: localhost:" + port;
        // <img src="http://127.0.0.1:8469/probe?..."> in a modern browser: no Origin, but Sec-Fetch-Site.
        List<String[]> browsers = List.of(new String[] {"Sec-Fetch-Site: cross-site"}, new String[] {"Origin: http://evil.example"},
                new String[] {"Origin: null"}, new String[] {"Referer: http://evil.example/page.html"},
                new String[] {"Origin: http://127.0.0.1.evil.example"}, new String[] {"Origin: file:///tmp/x.html"});
        for (String[] headers : browsers) {
            String[] all = new String[headers.length + 1];
            all[0] = host;
            System.arraycopy(headers, 0, all, 1, headers.length);
            RawHttp.Response r = RawHttp.send(port, "GET", probeQuery(), null, all);
            assertThat(r.status()).as(String.join(", ", headers)).isEqualTo(403);
            assertThat(json(r).get("code").asText()).isEqualTo("CROSS_SITE_REQUEST");
        }
        Thread.sleep(300);
        assertThat(arrivedFromPorts).isEmpty();
    }

    @Test
    void curlAndLocalPagesKeepWorking() throws Exception {
        int port = start(Map.of());
        // curl "http://127.0.0.1:8469/probe?..." as the README shows it
        RawHttp.Response curl = RawHttp.send(port, "GET", probeQuery(), null, "Host: 127.0.0.1:" + port, "User-Agent: curl/8.5.0",
                "Accept: */*");
        assertThat(curl.status()).as(curl.body()).isEqualTo(200);
        assertThat(json(curl).get("reason").asText()).isEqualTo("ok");
        assertThat(RawHttp.send(port, "GET", probeQuery(), null, "Host: [::1]:" + port).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", probeQuery(), null, "Host: LOCALHOST").status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", probeQuery(), null, "Host: localhost:" + port, "Sec-Fetch-Site: none").status())
                .as("typed into the address bar").isEqualTo(200);
        RawHttp.Response json = RawHttp.send(port, "POST", "/probe_json", task(null), "Host: 127.0.0.1:" + port,
                "Content-Type: application/json; charset=utf-8", "Origin: http://localhost:3000", "Sec-Fetch-Site: same-site");
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        awaitArrivals(5);
        assertThat(arrivedFromPorts).hasSize(5);
    }

    @Test
    void aPrivilegedSourcePortIsRefusedByDefault() throws Exception {
        int port = start(Map.of());
        String host = "Host: 127.0.0.1:" + port;
        String json = "Content-Type: application/json";
        RawHttp.Response get = RawHttp.send(port, "GET", probeQuery() + "&source_port=80", null, host);
        RawHttp.Response one = RawHttp.send(port, "POST", "/probe_json", task(1023), host, json);
        RawHttp.Response list = RawHttp.send(port, "POST", "/run_tasks", "[" + task(0) + "," + task(1) + "]", host, json);
        for (RawHttp.Response r : List.of(get, one, list)) {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(json(r).get("code").asText()).isEqualTo("INVALID_PROBE");
            assertThat(json(r).get("error").asText()).contains("api.allow_privileged_source_ports");
        }
        assertThat(json(get).get("field").asText()).isEqualTo("source_port");
        assertThat(json(list).get("field").asText()).isEqualTo("tasks[1].source_port");
        Thread.sleep(300);
        assertThat(arrivedFromPorts).as("not even the valid first task ran").isEmpty();

        int unprivileged = freePort(1024, 65_535);
        assertThat(RawHttp.send(port, "GET", probeQuery() + "&source_port=" + unprivileged, null, host).status()).isEqualTo(200);
        awaitArrivals(1);
        assertThat(arrivedFromPorts).containsExactly(unprivileged);
    }

    @Test
    void aPrivilegedSourcePortRunsWhenTheConfigurationAllowsIt() throws Exception {
        int port = start(Map.of("AAMI_API_ALLOW_PRIVILEGED_SOURCE_PORTS", "true"));
        int privileged = freePort(600, 1023);
        RawHttp.Response r = RawHttp.send(port, "GET", probeQuery() + "&source_port=" + privileged, null, "Host: 127.0.0.1:" + port);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("reason").asText()).isEqualTo("ok");
        awaitArrivals(1);
        assertThat(arrivedFromPorts).containsExactly(privileged);
    }

    /** The listener accepts on its own thread, possibly after the probe's answer came back. */
    private void awaitArrivals(int n) throws InterruptedException {
        for (int i = 0; i < 100 && arrivedFromPorts.size() < n; i++) {
            Thread.sleep(50);
        }
    }

    /** A loopback port in {@code from..to} that a client socket can bind now (the tests run as root). */
    private static int freePort(int from, int to) {
        for (int p = from; p <= to; p++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                return p;
            } catch (IOException e) {
                // taken; try the next
            }
        }
        throw new IllegalStateException("no free port in " + from + ".." + to);
    }
}
