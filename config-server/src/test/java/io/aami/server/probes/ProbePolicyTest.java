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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Probe policies: CRUD, validation, delivery in the policy pull, group-to-group expansion, results, matrix. */
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
        assertField(with(probe("x", Map.of("target", "h"), Map.of("global", true)), "protocol", "ICMP"), "protocol");
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
                .contains("aami_probe_stale{" + toT1 + "} 0")
                .contains("aami_results_ingested_total{stream=\"probes\"} 2");

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
}
