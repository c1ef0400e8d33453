package io.aami.server.probes;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Probe policies: CRUD, validation, delivery in the policy pull, group-to-group expansion, results, matrix; HTTP(S) probes. */
class ProbePolicyTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    static Map<String, Object> probe(String name, Map<String, Object> destination, Map<String, Object> scope) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "target_port", 443, "protocol", "TCP", "timeout_ms", 500,
                "interval_seconds", 10));
        body.putAll(destination);
        body.putAll(scope);
        return body;
    }

    static JsonNode bundle(EnrolledAgent a) {
        return api.get("/api/v1/checks/target/" + a.id(), a.token()).json();
    }

    @Test
    void crudAndValidation() {
        Api.Reply created = api.post("/api/v1/probes", probe("https", Map.of("target", "example.com"), Map.of("global", true)), ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        Map<String, Object> udp = probe("dns", Map.of("target", "10.0.0.53"), Map.of("global", true));
        udp.putAll(Map.of("protocol", "udp", "target_port", 53, "payload", "ABCD", "udp_no_reply_ok", true));
        JsonNode replaced = api.put("/api/v1/probes/" + id, udp, ADMIN).json();
        assertThat(replaced.get("protocol").asText()).isEqualTo("UDP");
        assertThat(replaced.get("payload").asText()).isEqualTo("abcd");
        assertThat(api.get("/api/v1/probes", ADMIN).json().findValuesAsText("name")).contains("dns");

        assertField(probe("x", Map.of(), Map.of("global", true)), "target");
        assertField(probe("x", Map.of("target", "a.example", "target_group_id", Fixtures.group(api, "both")), Map.of("global", true)), "target");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "target_port", 0), "target_port");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "target_port", 65536), "target_port");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "protocol", "SCTP"), "protocol");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "timeout_ms", 60_001), "timeout_ms");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "source_ip", "not-an-ip"), "source_ip");
        assertField(with(probe("x", Map.of("target", "bad host!"), Map.of("global", true)), "interval_seconds", 10), "target");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "payload", "zz"), "payload");
        assertField(probe("x", Map.of("target", "h"), Map.of()), "scope");
        assertThat(api.delete("/api/v1/probes/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/probes/" + id, ADMIN).status()).isEqualTo(404);
    }

    /** The protocol rule the contract's ProbeProtocol now owns: any case, trimmed, absent is TCP, blank or unknown is a 400. */
    @Test
    void protocolIsReadInAnyCaseTrimmedAndDefaultsToTcpButBlankIsRefused() {
        Map<String, Object> spaced = with(probe("spaced-udp", Map.of("target", "h"), Map.of("global", true)), "protocol", " udp ");
        JsonNode udp = api.post("/api/v1/probes", spaced, ADMIN).json();
        Map<String, Object> absent = probe("no-protocol", Map.of("target", "h"), Map.of("global", true));
        absent.remove("protocol");
        JsonNode tcp = api.post("/api/v1/probes", absent, ADMIN).json();
        // Global probes reach every agent of the shared server: gone before the other tests look.
        api.delete("/api/v1/probes/" + udp.get("id").asText(), ADMIN);
        api.delete("/api/v1/probes/" + tcp.get("id").asText(), ADMIN);
        assertThat(udp.get("protocol").asText()).isEqualTo("UDP");
        assertThat(tcp.get("protocol").asText()).isEqualTo("TCP");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "protocol", " "), "protocol");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "protocol", ""), "protocol");
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "protocol", "tcp6"), "protocol");
    }

    @Test
    void groupToGroupProbesFollowMembershipAndWakeLongPolls() throws Exception {
        String web = Fixtures.group(api, "g2g-web");
        String db = Fixtures.group(api, "g2g-db");
        EnrolledAgent w1 = Fixtures.enroll(api, "web-1", web);
        EnrolledAgent d1 = Fixtures.enroll(api, "db-1", db);
        Fixtures.createCheck(api, Fixtures.check("noop", "true", 60, Map.of("group_id", web)));
        api.post("/api/v1/probes", probe("to-db", Map.of("target_group_id", db), Map.of("group_id", web)), ADMIN);

        JsonNode probes = bundle(w1).get("probes");
        assertThat(probes).hasSize(1);
        assertThat(probes.get(0).get("destination_target_id").asText()).isEqualTo(d1.id().toString());
        assertThat(probes.get(0).get("target").asText()).isEqualTo("127.0.0.1");
        assertThat(probes.get(0).get("target_port").asInt()).isEqualTo(443);
        long version = bundle(w1).get("version").asLong();

        CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(() -> api.send("GET",
                "/api/v1/checks/target/" + w1.id() + "?wait=30s", null, w1.token(), "If-None-Match", "\"" + version + "\""));
        Thread.sleep(300);
        EnrolledAgent d2 = Fixtures.enroll(api, "db-2", db);
        Api.Reply woke = waiting.get(5, TimeUnit.SECONDS);
        assertThat(woke.status()).isEqualTo(200);
        assertThat(woke.json().get("probes").findValuesAsText("destination_target_id"))
                .containsExactlyInAnyOrder(d1.id().toString(), d2.id().toString());

        api.delete("/api/v1/targets/" + d1.id(), ADMIN);
        assertThat(api.send("GET", "/api/v1/checks/target/" + w1.id() + "?wait=5s", null, w1.token(), "If-None-Match",
                "\"" + woke.json().get("version").asLong() + "\"").json().get("probes").findValuesAsText("destination_target_id"))
                .containsExactly(d2.id().toString());
        assertThat(bundle(d2).get("probes")).isEmpty();
    }

    @Test
    void reportsAreStoredOnceAndShowInTheMatrixAndMetrics() {
        String src = Fixtures.group(api, "m-src");
        String dst = Fixtures.group(api, "m-dst");
        EnrolledAgent s1 = Fixtures.enroll(api, "src-1", src);
        EnrolledAgent t1 = Fixtures.enroll(api, "dst-1", dst);
        EnrolledAgent t2 = Fixtures.enroll(api, "dst-2", dst);
        String probeId = api.post("/api/v1/probes", probe("mesh", Map.of("target_group_id", dst), Map.of("group_id", src)), ADMIN)
                .json().get("id").asText();
        List<Map<String, Object>> reports = new ArrayList<>();
        reports.add(report(1, probeId, t1.id(), true, "ok"));
        reports.add(report(2, probeId, t2.id(), false, "refused"));
        // Both within one millisecond: history paging must not skip the older one.
        Instant ms = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        reports.get(0).put("executed_at", ms.plusNanos(100_000).toString());
        reports.get(1).put("executed_at", ms.plusNanos(300_000).toString());
        String path = "/api/v1/agents/" + s1.id() + "/probe-results";
        String ingested = "aami_results_ingested_total{stream=\"probes\"}";
        double ingestedBefore = value(api.get("/metrics", null).body(), ingested); // other tests of the class ingest too
        JsonNode ack = api.post(path, Map.of("results", reports), s1.token()).json();
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(2);
        assertThat(api.post(path, Map.of("results", reports), s1.token()).json().get("duplicates").asInt()).isEqualTo(2);
        List<Map<String, Object>> bad = List.of(report(3, probeId, t1.id(), true, "refused"));
        assertThat(api.post(path, Map.of("results", bad), s1.token()).status()).isEqualTo(400);

        JsonNode matrix = api.get("/api/v1/probes/matrix?source_group_id=" + src + "&target_group_id=" + dst, ADMIN).json();
        assertThat(matrix.get("sources").findValuesAsText("hostname")).containsExactly("src-1");
        assertThat(matrix.get("destinations").findValuesAsText("hostname")).containsExactlyInAnyOrder("dst-1", "dst-2");
        assertThat(matrix.get("cells")).hasSize(2);
        for (JsonNode cell : matrix.get("cells")) {
            boolean toT1 = cell.get("destination_target_id").asText().equals(t1.id().toString());
            assertThat(cell.get("success").asBoolean()).isEqualTo(toT1);
            assertThat(cell.get("reason").asText()).isEqualTo(toT1 ? "ok" : "refused");
            assertThat(cell.get("stale").asBoolean()).isFalse();
            assertThat(cell.get("age_seconds").asDouble()).isGreaterThanOrEqualTo(0);
        }

        String metrics = api.get("/metrics", null).body();
        String base = "agent_id=\"" + s1.id() + "\",hostname=\"src-1\",probe=\"mesh\",protocol=\"TCP\"";
        String toT1 = base + ",target=\"127.0.0.1\",target_agent_id=\"" + t1.id() + "\",target_port=\"443\"";
        String toT2 = base + ",target=\"127.0.0.1\",target_agent_id=\"" + t2.id() + "\",target_port=\"443\"";
        assertThat(metrics).contains("aami_probe_success{" + toT1 + "} 1")
                .contains("aami_probe_success{" + toT2 + "} 0")
                .contains("aami_probe_failure_reason{" + base + ",reason=\"refused\",target=\"127.0.0.1\",target_agent_id=\"" + t2.id()
                        + "\",target_port=\"443\"} 1")
                .contains("aami_probe_failure_reason{" + base + ",reason=\"refused\",target=\"127.0.0.1\",target_agent_id=\"" + t1.id()
                        + "\",target_port=\"443\"} 0")
                .contains("aami_probe_stale{" + toT1 + "} 0");
        assertThat(value(metrics, ingested)).isEqualTo(ingestedBefore + 2);

        JsonNode latest = api.get("/api/v1/targets/" + s1.id() + "/probes", ADMIN).json();
        assertThat(latest).hasSize(2);
        for (JsonNode row : latest) {
            boolean first1 = row.get("destination_target_id").asText().equals(t1.id().toString());
            assertThat(row.get("name").asText()).isEqualTo("mesh");
            assertThat(row.get("success").asBoolean()).isEqualTo(first1);
            assertThat(row.get("seq").asLong()).isEqualTo(first1 ? 1 : 2);
            assertThat(row.get("stale").asBoolean()).isFalse();
        }
        Api.Reply first = api.get("/api/v1/targets/" + s1.id() + "/probe-results?limit=1&probe_id=" + probeId, ADMIN);
        assertThat(first.json()).hasSize(1);
        assertThat(first.json().get(0).get("reason").asText()).isEqualTo("refused");
        String mark = first.header("Aami-Continue").orElseThrow();
        JsonNode second = api.get("/api/v1/targets/" + s1.id() + "/probe-results?limit=1&continue=" + mark, ADMIN).json();
        assertThat(second.findValuesAsText("seq")).containsExactly("1");
        assertThat(api.get("/api/v1/targets/" + s1.id() + "/probe-results?since=yesterday", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/targets/" + UUID.randomUUID() + "/probes", ADMIN).status()).isEqualTo(404);
    }

    static Map<String, Object> report(long seq, String probeId, UUID destination, boolean success, String reason) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq, "probe_id", probeId, "destination_target_id", destination.toString(),
                "target", "127.0.0.1", "target_ip", "127.0.0.1", "target_port", 443, "protocol", "TCP", "success", success,
                "reason", reason, "total_ms", 1.5));
        r.put("executed_at", Instant.now().toString());
        return r;
    }

    static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        body.put(key, value);
        return body;
    }

    static void assertField(Map<String, Object> body, String field) {
        Api.Reply r = api.post("/api/v1/probes", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }

    // HTTP(S) probes: the http object (validated by the shared rules), its policy, results and series.

    static Map<String, Object> web(String name, String protocol, Object http, String groupId) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "target", "web.example", "target_port", 443,
                "protocol", protocol, "timeout_ms", 2000, "interval_seconds", 30, "group_id", groupId));
        if (http != null) {
            body.put("http", http);
        }
        return body;
    }

    @Test
    void anHttpsProbeKeepsItsOptionsAndReachesThePolicy() {
        String group = Fixtures.group(api, "web-src");
        EnrolledAgent agent = Fixtures.enroll(api, "web-1", group);
        Api.Reply created = api.post("/api/v1/probes", web("site", "https", Map.of("path", "/health", "expected_status",
                List.of("2xx", "301"), "body_regex", "ok", "headers", Map.of("X-Probe", "aami"), "follow_redirects", true,
                "ca_file", "/etc/aami/ca.pem", "server_name", "Web.Example"), group), ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode http = created.json().get("http");
        assertThat(created.json().get("protocol").asText()).isEqualTo("HTTPS");
        assertThat(http.get("method").asText()).isEqualTo("GET");
        assertThat(http.get("max_redirects").asInt()).isEqualTo(5);
        assertThat(http.get("server_name").asText()).isEqualTo("web.example");
        assertThat(http.has("unknown_keys")).isFalse();
        String id = created.json().get("id").asText();
        JsonNode plain = api.post("/api/v1/probes", web("plain", "HTTP", null, group), ADMIN).json();
        assertThat(plain.get("http").get("path").asText()).as("defaults for an HTTP probe without options").isEqualTo("/");

        JsonNode enabled = api.put("/api/v1/probes/" + id + "/enabled", Map.of("enabled", false), ADMIN).json();
        assertThat(enabled.get("http").get("path").asText()).as("toggling keeps the options").isEqualTo("/health");
        api.put("/api/v1/probes/" + id + "/enabled", Map.of("enabled", true), ADMIN);
        assertThat(api.get("/api/v1/probes/" + id, ADMIN).json().get("http")).isEqualTo(http);

        JsonNode probes = api.get("/api/v1/checks/target/" + agent.id(), agent.token()).json().get("probes");
        JsonNode spec = null;
        for (JsonNode p : probes) {
            if (p.get("name").asText().equals("site")) {
                spec = p;
            }
        }
        assertThat(spec).as(probes.toString()).isNotNull();
        assertThat(spec.get("http").get("path").asText()).isEqualTo("/health");
        assertThat(spec.get("http").get("headers").get("X-Probe").asText()).isEqualTo("aami");
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                Arguments.of("HTTPS", Map.of("method", "TRACE"), "http.method"),
                Arguments.of("HTTPS", Map.of("path", "health"), "http.path"),
                Arguments.of("HTTPS", Map.of("expected_status", List.of("2xx", "99")), "http.expected_status[1]"),
                Arguments.of("HTTPS", Map.of("body_regex", "(unclosed"), "http.body_regex"),
                Arguments.of("HTTPS", Map.of("headers", Map.of("X-A", "a\r\nX-B: b")), "http.headers.X-A"),
                Arguments.of("HTTPS", Map.of("headers", Map.of("Content-Length", "1")), "http.headers.Content-Length"),
                Arguments.of("HTTPS", Map.of("follow_redirects", true, "max_redirects", 50), "http.max_redirects"),
                Arguments.of("HTTPS", Map.of("ca_file", "ca.pem"), "http.ca_file"),
                Arguments.of("HTTP", Map.of("ca_file", "/etc/ca.pem"), "http.ca_file"),
                Arguments.of("HTTPS", Map.of("server_name", "bad name!"), "http.server_name"),
                Arguments.of("HTTPS", Map.of("pathh", "/"), "http.pathh"),
                Arguments.of("TCP", Map.of(), "http"));
    }

    @ParameterizedTest
    @MethodSource("invalidOptions")
    void badOptionsAreRefusedWithTheirPath(String protocol, Map<String, Object> http, String field) {
        Api.Reply r = api.post("/api/v1/probes", web("bad", protocol, http, Fixtures.group(api, "bad-" + protocol + "-" + field.hashCode())), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }

    @Test
    void httpsResultsCarryStatusAndCertificateExpiryIntoTheSeries() {
        String group = Fixtures.group(api, "cert-src");
        EnrolledAgent agent = Fixtures.enroll(api, "cert-1", group);
        String probeId = api.post("/api/v1/probes", web("cert", "HTTPS", Map.of(), group), ADMIN).json().get("id").asText();
        String tcpId = api.post("/api/v1/probes", web("tcp", "TCP", null, group), ADMIN).json().get("id").asText();
        Instant notAfter = Instant.now().plus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> https = httpReport(1, probeId, "HTTPS", false, "http_status");
        https.putAll(Map.of("http_status", 503, "tls_ms", 2.5, "first_byte_ms", 1.25, "cert_not_after", notAfter.toString()));
        Map<String, Object> tcp = httpReport(2, tcpId, "TCP", true, "ok");
        Map<String, Object> tcpWithStatus = httpReport(3, tcpId, "TCP", true, "ok");
        tcpWithStatus.put("http_status", 200);
        String path = "/api/v1/agents/" + agent.id() + "/probe-results";

        assertThat(api.post(path, Map.of("results", List.of(https, tcp)), agent.token()).status()).isEqualTo(200);
        assertThat(api.post(path, Map.of("results", List.of(tcpWithStatus)), agent.token()).status()).isEqualTo(400);

        String metrics = api.get("/metrics", null).body();
        String labels = "agent_id=\"" + agent.id() + "\",hostname=\"cert-1\",probe=\"cert\",protocol=\"HTTPS\"";
        String tail = "target=\"web.example\",target_agent_id=\"\",target_port=\"443\"}";
        assertThat(value(metrics, "aami_probe_tls_cert_expiry_timestamp_seconds{" + labels + "," + tail))
                .isEqualTo(notAfter.getEpochSecond());
        assertThat(value(metrics, "aami_probe_http_status_code{" + labels + "," + tail)).isEqualTo(503);
        assertThat(value(metrics, "aami_probe_failure_reason{" + labels + ",reason=\"http_status\"," + tail)).isEqualTo(1);
        assertThat(value(metrics, "aami_probe_failure_reason{" + labels + ",reason=\"certificate_expired\"," + tail)).isZero();
        assertThat(metrics).as("a TCP probe has no HTTP reasons").doesNotContain("probe=\"tcp\",protocol=\"TCP\",reason=\"http_status\"")
                .doesNotContain("aami_probe_tls_cert_expiry_timestamp_seconds{agent_id=\"" + agent.id() + "\",hostname=\"cert-1\",probe=\"tcp\"");
        JsonNode history = api.get("/api/v1/targets/" + agent.id() + "/probe-results?probe_id=" + probeId, ADMIN).json();
        assertThat(history.get(0).get("http_status").asInt()).isEqualTo(503);
        assertThat(history.get(0).get("first_byte_ms").asDouble()).isEqualTo(1.25);
        assertThat(Instant.parse(history.get(0).get("cert_not_after").asText())).isEqualTo(notAfter);
    }

    static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no series " + series);
    }

    static Map<String, Object> httpReport(long seq, String probeId, String protocol, boolean success, String reason) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq, "probe_id", probeId, "target", "web.example",
                "target_ip", "127.0.0.1", "target_port", 443, "protocol", protocol, "success", success,
                "reason", reason, "total_ms", 9.5));
        r.put("executed_at", Instant.now().toString());
        return r;
    }

    // ICMP probes: no ports, the icmp object (validated by the shared rules), policy, results and series.

    static Map<String, Object> ping(String name, Object icmp, String groupId) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "target", "10.9.8.7", "protocol", "ICMP",
                "timeout_ms", 1000, "interval_seconds", 30, "group_id", groupId));
        if (icmp != null) {
            body.put("icmp", icmp);
        }
        return body;
    }

    @Test
    void anIcmpProbeHasNoPortKeepsItsOptionsAndReachesThePolicy() {
        String group = Fixtures.group(api, "ping-src");
        EnrolledAgent agent = Fixtures.enroll(api, "ping-1", group);
        Api.Reply created = api.post("/api/v1/probes", ping("gw", Map.of("count", 10, "interval_ms", 200), group), ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("target_port").asInt()).isZero();
        assertThat(created.json().get("icmp").get("count").asInt()).isEqualTo(10);
        JsonNode plain = api.post("/api/v1/probes", ping("gw-once", null, group), ADMIN).json();
        assertThat(plain.get("icmp").get("count").asInt()).as("defaults without options").isEqualTo(1);
        assertThat(plain.get("icmp").get("interval_ms").asInt()).isEqualTo(1000);
        String id = created.json().get("id").asText();
        JsonNode enabled = api.put("/api/v1/probes/" + id + "/enabled", Map.of("enabled", false), ADMIN).json();
        assertThat(enabled.get("icmp").get("interval_ms").asInt()).as("toggling keeps the options").isEqualTo(200);
        api.put("/api/v1/probes/" + id + "/enabled", Map.of("enabled", true), ADMIN);

        JsonNode spec = null;
        for (JsonNode p : api.get("/api/v1/checks/target/" + agent.id(), agent.token()).json().get("probes")) {
            if (p.get("name").asText().equals("gw")) {
                spec = p;
            }
        }
        assertThat(spec).isNotNull();
        assertThat(spec.get("protocol").asText()).isEqualTo("ICMP");
        assertThat(spec.get("target_port").asInt()).isZero();
        assertThat(spec.get("icmp").get("count").asInt()).isEqualTo(10);
        assertThat(spec.has("http")).isFalse();
    }

    static Stream<Arguments> invalidIcmp() {
        return Stream.of(
                Arguments.of(Map.of("icmp", Map.of("count", 0)), "icmp.count"),
                Arguments.of(Map.of("icmp", Map.of("count", 1_000_000)), "icmp.count"),
                Arguments.of(Map.of("icmp", Map.of("interval_ms", 1)), "icmp.interval_ms"),
                Arguments.of(Map.of("icmp", Map.of("count", 100, "interval_ms", 1000)), "icmp.interval_ms"),
                Arguments.of(Map.of("icmp", Map.of("count", 40, "interval_ms", 1000)), "icmp.interval_ms"),
                Arguments.of(Map.of("icmp", Map.of("cnt", 3)), "icmp.cnt"),
                Arguments.of(Map.of("target", "255.255.255.255"), "target"),
                Arguments.of(Map.of("target", "224.0.0.1"), "target"),
                Arguments.of(Map.of("target", "ff02::1"), "target"),
                Arguments.of(Map.of("target", "0.0.0.0"), "target"),
                Arguments.of(Map.of("target_port", 7), "target_port"),
                Arguments.of(Map.of("source_port", 1234), "source_port"),
                Arguments.of(Map.of("source_ip", "10.0.0.300"), "source_ip"),
                Arguments.of(Map.of("payload", "00"), "payload"),
                Arguments.of(Map.of("protocol", "TCP", "target_port", 22, "icmp", Map.of("count", 2)), "icmp"));
    }

    @ParameterizedTest
    @MethodSource("invalidIcmp")
    void badIcmpProbesAreRefusedWithTheirField(Map<String, Object> change, String field) {
        Map<String, Object> body = ping("bad", null, Fixtures.group(api, "bad-icmp-" + field.hashCode() + "-" + change.hashCode()));
        body.putAll(change);
        Api.Reply r = api.post("/api/v1/probes", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }

    @Test
    void icmpResultsCarryLossAndRoundTripIntoTheSeries() {
        String group = Fixtures.group(api, "loss-src");
        EnrolledAgent agent = Fixtures.enroll(api, "loss-1", group);
        String probeId = api.post("/api/v1/probes", ping("lossy", Map.of("count", 20, "interval_ms", 50), group), ADMIN).json()
                .get("id").asText();
        Map<String, Object> ok = icmpReport(1, probeId, true, "ok");
        ok.putAll(Map.of("rtt_ms", 1.5, "loss_percent", 35.0));
        Map<String, Object> withPort = icmpReport(2, probeId, true, "ok");
        withPort.put("target_port", 7);
        Map<String, Object> badLoss = icmpReport(2, probeId, true, "ok");
        badLoss.put("loss_percent", 101.0);
        String path = "/api/v1/agents/" + agent.id() + "/probe-results";

        assertThat(api.post(path, Map.of("results", List.of(ok)), agent.token()).status()).isEqualTo(200);
        Api.Reply refusedPort = api.post(path, Map.of("results", List.of(withPort)), agent.token());
        assertThat(refusedPort.status()).isEqualTo(400);
        assertThat(refusedPort.json().get("field").asText()).contains("target_port");
        assertThat(api.post(path, Map.of("results", List.of(badLoss)), agent.token()).status()).isEqualTo(400);

        String metrics = api.get("/metrics", null).body();
        String labels = "agent_id=\"" + agent.id() + "\",hostname=\"loss-1\",probe=\"lossy\",protocol=\"ICMP\"";
        String tail = "target=\"10.9.8.7\",target_agent_id=\"\",target_port=\"0\"}";
        assertThat(value(metrics, "aami_probe_icmp_loss_ratio{" + labels + "," + tail)).isEqualTo(0.35);
        assertThat(value(metrics, "aami_probe_icmp_rtt_seconds{" + labels + "," + tail)).isEqualTo(0.0015);
        assertThat(value(metrics, "aami_probe_success{" + labels + "," + tail)).isEqualTo(1);
        assertThat(value(metrics, "aami_probe_failure_reason{" + labels + ",reason=\"not_permitted\"," + tail)).isZero();
        assertThat(metrics).as("an ICMP probe cannot be refused").doesNotContain("probe=\"lossy\",protocol=\"ICMP\",reason=\"refused\"");
        JsonNode history = api.get("/api/v1/targets/" + agent.id() + "/probe-results?probe_id=" + probeId, ADMIN).json();
        JsonNode first = history.isArray() ? history.get(0) : history.get("results").get(0);
        assertThat(first.get("loss_percent").asDouble()).isEqualTo(35.0);
        assertThat(first.get("rtt_ms").asDouble()).isEqualTo(1.5);
    }

    static Map<String, Object> icmpReport(long seq, String probeId, boolean success, String reason) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq, "probe_id", probeId, "target", "10.9.8.7",
                "target_ip", "10.9.8.7", "target_port", 0, "protocol", "ICMP", "success", success,
                "reason", reason, "total_ms", 9.5));
        r.put("executed_at", Instant.now().toString());
        return r;
    }
}
