package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.api.LocalApi;
import io.aami.agent.config.AgentConfig;
import io.aami.common.json.WireJson;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeRoutesTest {
    private final ObjectMapper mapper = WireJson.mapper(LocalApi.MAX_BODY * 2);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ProbeMetrics metrics;
    private ProbeEngine engine;
    private LocalApi api;
    private TcpListener listener;

    @BeforeEach
    void start() throws Exception {
        metrics = new ProbeMetrics(registry, 100);
        engine = new ProbeEngine(4096, ProbeFixtures.CLOCK, metrics);
        api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, null), mapper, new ProbeRoutes(engine, metrics, false, java.time.Clock.systemUTC()).routes(),
                Executors.newFixedThreadPool(4));
        listener = new TcpListener();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        engine.close();
        listener.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + pathAndQuery)).GET()
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void httpProbesRunThroughTheTaskRoutesAndTheirOptionsAreChecked() throws Exception {
        try (TestWebServer web = TestWebServer.http()) {
            HttpResponse<String> tasks = post("/run_tasks", "[{\"task_id\":\"web\",\"target_ip\":\"127.0.0.1\",\"target_port\":"
                    + web.port() + ",\"protocol\":\"HTTP\",\"http\":{\"path\":\"/down\",\"expected_status\":[\"5xx\"]}}]");
            HttpResponse<String> unknown = post("/probe_json", "{\"target_ip\":\"127.0.0.1\",\"target_port\":" + web.port()
                    + ",\"protocol\":\"HTTP\",\"http\":{\"pathh\":\"/\"}}");
            HttpResponse<String> crlf = post("/run_tasks", "[{\"target_ip\":\"127.0.0.1\",\"target_port\":" + web.port()
                    + ",\"protocol\":\"HTTP\",\"http\":{\"headers\":{\"X-A\":\"a\\r\\nHost: evil\"}}}]");
            HttpResponse<String> onTcp = post("/probe_json", "{\"target_ip\":\"127.0.0.1\",\"target_port\":" + web.port()
                    + ",\"http\":{}}");

            assertThat(tasks.statusCode()).as(tasks.body()).isEqualTo(200);
            JsonNode result = mapper.readTree(tasks.body()).get(0);
            assertThat(result.get("reason").asText()).isEqualTo("ok");
            assertThat(result.get("http_status").asInt()).isEqualTo(503);
            assertThat(result.get("protocol").asText()).isEqualTo("HTTP");
            assertThat(result.has("first_byte_ms")).isTrue();
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(mapper.readTree(unknown.body()).get("field").asText()).isEqualTo("http.pathh");
            assertThat(crlf.statusCode()).isEqualTo(400);
            assertThat(mapper.readTree(crlf.body()).get("field").asText()).isEqualTo("tasks[0].http.headers.X-A");
            assertThat(onTcp.statusCode()).isEqualTo(400);
            assertThat(mapper.readTree(onTcp.body()).get("field").asText()).isEqualTo("http");
        }
    }

    /** ICMP through the three routes (raw sockets: the test runs as root), its series, and its options checked. */
    @Test
    void icmpProbesRunThroughTheRoutesWithLossAndRoundTrip() throws Exception {
        try (var pinger = io.aami.agent.probes.icmp.IcmpPinger.open(io.aami.agent.probes.icmp.IcmpPinger.Mode.AUTO)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(pinger.kind(false) != io.aami.agent.probes.icmp.IcmpPinger.Kind.NONE
                    || System.getenv("AAMI_REQUIRE_TOOLS") != null, "ICMP sockets need root or ping_group_range");
        }
        HttpResponse<String> tasks = post("/run_tasks", "[{\"task_id\":\"ping4\",\"target_ip\":\"127.0.0.1\",\"protocol\":"
                + "\"ICMP\",\"icmp\":{\"count\":3,\"interval_ms\":10}},{\"task_id\":\"ping6\",\"target_ip\":\"::1\","
                + "\"protocol\":\"icmp\"}]");
        HttpResponse<String> one = post("/probe_json", "{\"target_ip\":\"127.0.0.1\",\"protocol\":\"ICMP\"}");
        HttpResponse<String> query = get("/probe?target=127.0.0.1&protocol=ICMP&count=2&interval_ms=10");
        HttpResponse<String> withPort = post("/run_tasks", "[{\"target_ip\":\"127.0.0.1\",\"target_port\":7,"
                + "\"protocol\":\"ICMP\"}]");
        HttpResponse<String> flood = get("/probe?target=127.0.0.1&protocol=ICMP&count=100&interval_ms=1");

        assertThat(tasks.statusCode()).as(tasks.body()).isEqualTo(200);
        JsonNode v4 = mapper.readTree(tasks.body()).get(0);
        assertThat(v4.get("reason").asText()).isEqualTo("ok");
        assertThat(v4.get("protocol").asText()).isEqualTo("ICMP");
        assertThat(v4.get("target_port").asInt()).isZero();
        assertThat(v4.get("loss_percent").asDouble()).isZero();
        assertThat(v4.get("rtt_ms").asDouble()).isPositive();
        assertThat(mapper.readTree(tasks.body()).get(1).get("reason").asText()).isEqualTo("ok");
        assertThat(mapper.readTree(one.body()).get("reason").asText()).as(one.body()).isEqualTo("ok");
        assertThat(mapper.readTree(query.body()).get("reason").asText()).as(query.body()).isEqualTo("ok");
        assertThat(withPort.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(withPort.body()).get("field").asText()).isEqualTo("tasks[0].target_port");
        assertThat(flood.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(flood.body()).get("field").asText()).isEqualTo("icmp.interval_ms");
        String exposition = scrape();
        assertThat(exposition).contains("aami_probe_icmp_loss_ratio{protocol=\"ICMP\",source_ip=\"\",target_ip=\"127.0.0.1\","
                + "target_port=\"0\",task_id=\"ping4\"} 0.0");
        assertThat(exposition).containsPattern("aami_probe_icmp_rtt_seconds\\{[^}]*task_id=\"ping4\"} [0-9.eE-]+");
        assertThat(exposition).contains("aami_agent_probes_total{protocol=\"ICMP\",reason=\"not_permitted\"} 0");
    }

    /** The echoes local callers ask for are bounded: a call past the bucket is 429 with Retry-After and sends nothing. */
    @Test
    void icmpEchoesOfLocalCallersAreRateLimited() throws Exception {
        try (var pinger = io.aami.agent.probes.icmp.IcmpPinger.open(io.aami.agent.probes.icmp.IcmpPinger.Mode.AUTO)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(pinger.kind(false) != io.aami.agent.probes.icmp.IcmpPinger.Kind.NONE
                    || System.getenv("AAMI_REQUIRE_TOOLS") != null, "ICMP sockets need root or ping_group_range");
        }
        io.aami.agent.testing.MovableClock clock = new io.aami.agent.testing.MovableClock(java.time.Instant.parse("2026-12-02T10:00:00Z"));
        api.close();
        api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, null), mapper, new ProbeRoutes(engine, metrics, false, clock).routes(),
                Executors.newFixedThreadPool(4));
        String task = "{\"target_ip\":\"127.0.0.1\",\"protocol\":\"ICMP\",\"icmp\":{\"count\":100,\"interval_ms\":10}}";
        String tooMany = "[" + String.join(",", java.util.Collections.nCopies(EchoBudget.BURST / 100 + 1, task)) + "]";
        String burst = "[" + String.join(",", java.util.Collections.nCopies(EchoBudget.BURST / 100, task)) + "]";

        HttpResponse<String> refused = post("/run_tasks", tooMany);
        HttpResponse<String> whole = post("/run_tasks", burst);
        HttpResponse<String> limited = get("/probe?target=127.0.0.1&protocol=ICMP&count=2&interval_ms=10");
        clock.advance(Duration.ofMillis(2));
        HttpResponse<String> again = get("/probe?target=127.0.0.1&protocol=ICMP&count=2&interval_ms=10");
        HttpResponse<String> tcp = get("/probe?target_ip=127.0.0.1&target_port=" + listener.port() + "&protocol=TCP");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(mapper.readTree(refused.body()).get("code").asText()).isEqualTo("TOO_MANY_ECHOES");
        assertThat(whole.statusCode()).as("the whole burst is allowed").isEqualTo(200);
        assertThat(mapper.readTree(whole.body()).get(0).get("reason").asText()).isEqualTo("ok");
        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(mapper.readTree(limited.body()).get("code").asText()).isEqualTo("ICMP_RATE_LIMITED");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(again.statusCode()).as("2 ms refill 2 echoes: " + again.body()).isEqualTo(200);
        assertThat(tcp.statusCode()).as("other probes are not counted").isEqualTo(200);
    }

    private String scrape() throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void theSeedsThreeCallsWorkAsWritten() throws Exception {
        HttpResponse<String> probe = get("/probe?source_ip=127.0.0.1&target_ip=127.0.0.1&target_port=22");
        HttpResponse<String> json = post("/probe_json", "{\"task_id\":\"t1\",\"source_ip\":\"127.0.0.1\",\"target_ip\":"
                + "\"127.0.0.1\",\"target_port\":22,\"protocol\":\"TCP\",\"timeout_ms\":500}");
        HttpResponse<String> tasks = post("/run_tasks", "[{\"task_id\":\"probe-22\",\"source_ip\":\"127.0.0.1\","
                + "\"target_ip\":\"127.0.0.1\",\"target_port\":22,\"protocol\":\"TCP\",\"timeout_ms\":500}]");

        for (HttpResponse<String> r : List.of(probe, json, tasks)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        JsonNode one = mapper.readTree(probe.body());
        assertThat(one.get("reason").asText()).isIn("ok", "refused");
        assertThat(one.get("target_port").asInt()).isEqualTo(22);
        assertThat(one.get("protocol").asText()).isEqualTo("TCP");
        assertThat(one.has("executed_at")).isTrue();
        assertThat(mapper.readTree(json.body()).get("task_id").asText()).isEqualTo("t1");
        JsonNode list = mapper.readTree(tasks.body());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("task_id").asText()).isEqualTo("probe-22");
        assertThat(list.get(0).get("success").asBoolean()).isEqualTo(list.get(0).get("reason").asText().equals("ok"));
    }

    @Test
    void failedProbeIsStill200WithTheReasonInTheBody() throws Exception {
        HttpResponse<String> r = get("/probe?target_ip=127.0.0.1&target_port=" + ProbeFixtures.closedTcpPort());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = mapper.readTree(r.body());
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("reason").asText()).isEqualTo("refused");
        assertThat(body.get("dns_ms").isNull()).isTrue();
    }

    @Test
    void thousandTasksRunConcurrentlyAndComeBackInOrder() throws Exception {
        String body = IntStream.range(0, 1_000).mapToObj(i -> "{\"task_id\":\"t" + i + "\",\"target_ip\":\"127.0.0.1\","
                + "\"target_port\":" + listener.port() + ",\"timeout_ms\":3000}").collect(Collectors.joining(",", "[", "]"));

        long start = System.nanoTime();
        HttpResponse<String> r = post("/run_tasks", body);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode results = mapper.readTree(r.body());
        assertThat(results).hasSize(1_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(results.get(i).get("task_id").asText()).isEqualTo("t" + i);
            assertThat(results.get(i).get("reason").asText()).isEqualTo("ok");
        }
        assertThat(elapsedMs).as("about one probe time, not a thousand").isLessThan(5_000);
        assertThat(metrics.trackedTaskIds()).as("capped at 100 task ids").isEqualTo(100);
    }

    @Test
    void badInputIs400AndRunsNothing() throws Exception {
        int port = listener.port();
        String valid = "{\"target_ip\":\"127.0.0.1\",\"target_port\":" + port + "}";
        List<HttpResponse<String>> answers = List.of(
                get("/probe?target_ip=127.0.0.1"),
                get("/probe?target_ip=127.0.0.1&target_port=0"),
                get("/probe?target_ip=127.0.0.1&target_port=65536"),
                get("/probe?target_ip=127.0.0.1&target_port=" + port + "&protocol=icmp"),
                get("/probe?target_ip=127.0.0.1&target_port=" + port + "&timeout_ms=0"),
                get("/probe?target_ip=127.0.0.1&target_port=" + port + "&timeout_ms=60001"),
                get("/probe?target_port=" + port),
                post("/probe_json", "{\"target_ip\":\"127.0.0.1\",\"target_port\":"),
                post("/probe_json", "{\"target_ip\":\"127.0.0.1\",\"target_port\":70000}"),
                post("/run_tasks", "[" + valid + "," + valid + ",{\"target_ip\":\"127.0.0.1\",\"target_port\":22,"
                        + "\"protocol\":\"SCTP\"}]"),
                post("/run_tasks", "[" + valid + ",null]"),
                post("/run_tasks", valid),
                post("/run_tasks", "[" + valid + ",{\"target_ip\":\"127.0.0.1\",\"target_port\":\"x\"}]"));

        for (HttpResponse<String> r : answers) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode body = mapper.readTree(r.body());
            assertThat(body.get("error").asText()).isNotBlank();
            assertThat(body.get("code").asText()).isIn("INVALID_PROBE", "MALFORMED_JSON");
        }
        JsonNode badElement = mapper.readTree(answers.get(9).body());
        assertThat(badElement.get("error").asText()).startsWith("tasks[2]: protocol must be TCP, UDP, HTTP, HTTPS or ICMP");
        assertThat(badElement.get("field").asText()).isEqualTo("tasks[2].protocol");
        JsonNode missingPort = mapper.readTree(answers.get(0).body());
        assertThat(missingPort.get("code").asText()).isEqualTo("INVALID_PROBE");
        assertThat(missingPort.get("field").asText()).isEqualTo("target_port");
        assertThat(mapper.readTree(answers.get(7).body()).get("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(ProbeFixtures.counterSum(registry, "aami_agent_probes")).as("no probe ran").isZero();
        assertThat(listener.accepted()).isZero();
    }

    @Test
    void moreThanTenThousandTasksIs400() throws Exception {
        String body = IntStream.range(0, ProbeRoutes.MAX_TASKS + 1)
                .mapToObj(i -> "{\"target_ip\":\"127.0.0.1\",\"target_port\":" + listener.port() + "}")
                .collect(Collectors.joining(",", "[", "]"));

        HttpResponse<String> r = post("/run_tasks", body);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(r.body()).get("code").asText()).isEqualTo("TOO_MANY_TASKS");
        assertThat(ProbeFixtures.counterSum(registry, "aami_agent_probes")).isZero();
    }

    @Test
    void aBodyOverTheLimitIs413AndRunsNothing() throws Exception {
        String padding = " ".repeat((int) LocalApi.MAX_BODY);
        HttpResponse<String> r = post("/run_tasks", "[{\"target_ip\":\"127.0.0.1\",\"target_port\":" + listener.port() + "}"
                + padding + "]");

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(mapper.readTree(r.body()).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(ProbeFixtures.counterSum(registry, "aami_agent_probes")).isZero();
        assertThat(post("/run_tasks", "[]" + " ".repeat((int) LocalApi.MAX_BODY - 2)).statusCode())
                .as("exactly the limit is accepted").isEqualTo(200);
    }
}
