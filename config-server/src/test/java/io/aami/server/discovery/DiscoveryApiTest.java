package io.aami.server.discovery;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The discovery stream on a real server and PostgreSQL: reports stored once by seq, diffs applied only onto their
 * base, peers resolved to targets and groups and to {@code discovery.inventory} names, the group graph, declared
 * (probes) against observed, the uncovered list and a probe made from it, and the re-export on {@code /metrics}.
 */
class DiscoveryApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_DISCOVERY_INVENTORY", "203.0.113.0/24=payments-saas",
            "AAMI_DISCOVERY_METRICS_MIN_CONNECTIONS", "3", "AAMI_DISCOVERY_METRICS_MAX_EDGES", "3", "AAMI_HTTP_METRICS_MAX_AGE", "0s"));
    static final Api api = server.api();

    record Agent(UUID id, String token) {
    }

    static Agent enroll(String hostname, String group, String ip) {
        String bootstrap = Fixtures.bootstrapToken(api, 1, group == null ? Map.of() : Map.of("group_id", group));
        JsonNode j = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "hostname", hostname, "ip_address", ip),
                null).json();
        return new Agent(UUID.fromString(j.get("agent_id").asText()), j.get("agent_token").asText());
    }

    static Map<String, Object> edge(String direction, int port, String remote, long count) {
        return Map.of("direction", direction, "protocol", "tcp", "process", "app", "port", port, "remote_address", remote, "count", count);
    }

    static Map<String, Object> report(long seq, Long base, List<Map<String, Object>> edges) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq, "kind", base == null ? "full" : "diff", "scanned_at",
                Instant.now().toString(), "partial", false, "truncated", false,
                "state_totals", Map.of("ESTABLISHED", 9, "CLOSE_WAIT", 4),
                "services", List.of(Map.of("protocol", "tcp", "bind", "0.0.0.0", "port", 8080, "process", "app", "count", 1)),
                "edges", edges,
                "states", List.of(Map.of("state", "CLOSE_WAIT", "process", "app", "container", "", "local_port", 0,
                        "remote_address", "10.9.0.2", "remote_port", 5432, "count", 4))));
        if (base != null) {
            r.put("base_seq", base);
        }
        return r;
    }

    @SafeVarargs
    static Api.Reply post(Agent a, Map<String, Object>... reports) {
        return api.post("/api/v1/agents/" + a.id() + "/discovery", Map.of("results", List.of(reports)), a.token());
    }

    static long count(String sql) throws Exception {
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static JsonNode peerOf(JsonNode list, int port) {
        for (JsonNode d : list) {
            if (d.get("port").asInt() == port) {
                return d;
            }
        }
        throw new AssertionError("no dependency at port " + port + " in " + list);
    }

    @Test
    void aReportIsStoredOnceWithPeersResolvedToTargetsGroupsAndInventoryNames() throws Exception {
        String web = Fixtures.group(api, "web-a");
        String db = Fixtures.group(api, "db-a");
        Agent w = enroll("web-a1", web, "10.9.0.1");
        Agent d = enroll("db-a1", db, "10.9.0.2");
        Map<String, Object> full = report(1, null, List.of(edge("upstream", 5432, "10.9.0.2", 3), edge("upstream", 443, "203.0.113.9", 2),
                edge("downstream", 8080, "198.51.100.7", 4), edge("upstream", 6379, "127.0.0.1", 1)));
        JsonNode ack = post(w, full).json();
        assertThat(ack.get("acked_seq").asLong()).isEqualTo(1);
        assertThat(ack.get("accepted").asInt()).isEqualTo(1);
        JsonNode again = post(w, full).json();
        assertThat(again.get("accepted").asInt()).as("a resend of the same seq").isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM discovery_edges WHERE target_id = '" + w.id() + "'")).isEqualTo(4);

        JsonNode deps = api.get("/api/v1/targets/" + w.id() + "/dependencies", ADMIN).json();
        JsonNode toDb = peerOf(deps.get("upstream"), 5432).get("peer");
        assertThat(toDb.get("kind").asText()).isEqualTo("target");
        assertThat(toDb.get("target_id").asText()).isEqualTo(d.id().toString());
        assertThat(toDb.get("group_id").asText()).isEqualTo(db);
        assertThat(toDb.get("group_name").asText()).isEqualTo("db-a");
        assertThat(peerOf(deps.get("upstream"), 443).get("peer").get("name").asText()).isEqualTo("payments-saas");
        assertThat(peerOf(deps.get("downstream"), 8080).get("peer").get("kind").asText()).isEqualTo("address");
        assertThat(peerOf(deps.get("upstream"), 5432).get("connections").asLong()).isEqualTo(3);
        assertThat(peerOf(deps.get("upstream"), 5432).get("first_seen").isNull()).isFalse();

        JsonNode services = api.get("/api/v1/targets/" + w.id() + "/services", ADMIN).json();
        assertThat(services.get("services").get(0).get("port").asInt()).isEqualTo(8080);
        JsonNode conns = api.get("/api/v1/targets/" + w.id() + "/connections", ADMIN).json();
        assertThat(conns.get("state_totals").get("CLOSE_WAIT").asLong()).isEqualTo(4);
        assertThat(conns.get("connections").get(0).get("remote_address").asText()).isEqualTo("10.9.0.2");
        assertThat(api.get("/api/v1/targets/" + UUID.randomUUID() + "/services", ADMIN).status()).isEqualTo(404);
    }

    @Test
    void aDiffChangesOnlyWhatItListsAndOnlyOntoItsBase() throws Exception {
        Agent w = enroll("diff-1", null, "10.9.1.1");
        post(w, report(1, null, List.of(edge("upstream", 5432, "10.9.1.2", 3), edge("upstream", 6432, "10.9.1.2", 1))));
        String firstSeen = peerOf(api.get("/api/v1/targets/" + w.id() + "/dependencies", ADMIN).json().get("upstream"), 6432)
                .get("first_seen").asText();
        // seq 2 onto 1: 5432 gone, 6432 busier, 9000 new; the rest stays.
        assertThat(post(w, report(2, 1L, List.of(edge("upstream", 5432, "10.9.1.2", 0), edge("upstream", 6432, "10.9.1.2", 7),
                edge("upstream", 9000, "10.9.1.3", 1)))).status()).isEqualTo(200);
        JsonNode up = api.get("/api/v1/targets/" + w.id() + "/dependencies", ADMIN).json().get("upstream");
        assertThat(up.findValuesAsText("port")).containsExactlyInAnyOrder("6432", "9000");
        assertThat(peerOf(up, 6432).get("connections").asLong()).isEqualTo(7);
        assertThat(peerOf(up, 6432).get("first_seen").asText()).as("first seen kept").isEqualTo(firstSeen);
        assertThat(count("SELECT count(*) FROM discovery_edges WHERE target_id = '" + w.id() + "' AND port = 5432 AND NOT present"))
                .as("a gone edge keeps its sightings").isEqualTo(1);
        // seq 4 names seq 3 as its base, which the server never got: skipped, nothing changes.
        assertThat(post(w, report(4, 3L, List.of(edge("upstream", 9000, "10.9.1.3", 0)))).json().get("accepted").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/targets/" + w.id() + "/dependencies", ADMIN).json().get("upstream").findValuesAsText("port"))
                .containsExactlyInAnyOrder("6432", "9000");
        // The next full report replaces the picture.
        post(w, report(5, null, List.of(edge("upstream", 22, "10.9.1.4", 1))));
        assertThat(api.get("/api/v1/targets/" + w.id() + "/dependencies", ADMIN).json().get("upstream").findValuesAsText("port"))
                .containsExactly("22");
    }

    @Test
    void theGroupGraphTheUncoveredListAndAProbeMadeFromItCoveringTheEdge() throws Exception {
        String app = Fixtures.group(api, "app-g");
        String pg = Fixtures.group(api, "pg-g");
        Agent a = enroll("app-g1", app, "10.9.2.1");
        enroll("pg-g1", pg, "10.9.2.2");
        post(a, report(1, null, List.of(edge("upstream", 5432, "10.9.2.2", 6), edge("upstream", 443, "203.0.113.10", 2),
                edge("upstream", 80, "192.0.2.1", 1), edge("upstream", 81, "192.0.2.2", 1), edge("upstream", 82, "192.0.2.3", 1))));

        JsonNode graph = api.get("/api/v1/dependencies?group_id=" + app, ADMIN).json();
        JsonNode toPg = edgeTo(graph, pg);
        assertThat(toPg.get("source").asText()).isEqualTo(app);
        assertThat(toPg.get("port").asInt()).isEqualTo(5432);
        assertThat(toPg.get("connections").asLong()).isEqualTo(6);
        assertThat(toPg.get("covered").asBoolean()).isFalse();
        assertThat(edgeTo(graph, "external:payments-saas").get("port").asInt()).isEqualTo(443);
        assertThat(graph.get("nodes").findValuesAsText("name")).contains("app-g", "pg-g", "payments-saas");

        JsonNode uncovered = uncoveredFrom(a.id());
        JsonNode pgEdge = peerOf(uncovered, 5432);
        assertThat(pgEdge.get("probe").get("target_group_id").asText()).isEqualTo(pg);
        assertThat(pgEdge.get("probe").get("group_id").asText()).isEqualTo(app);
        Api.Reply created = api.post("/api/v1/probes", pgEdge.get("probe"), ADMIN);
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        assertThat(edgeTo(api.get("/api/v1/dependencies?group_id=" + app, ADMIN).json(), pg).get("covered").asBoolean()).isTrue();
        assertThat(uncoveredFrom(a.id()).findValuesAsText("port")).containsExactlyInAnyOrder("443", "80", "81", "82");
        JsonNode probes = api.get("/api/v1/dependencies", ADMIN).json().get("probes");
        for (JsonNode p : probes) {
            if (p.get("probe_id").asText().equals(created.json().get("id").asText())) {
                assertThat(p.get("observed").asBoolean()).as("traffic observed for the probe").isTrue();
            }
        }
        assertThat(peerOf(api.get("/api/v1/targets/" + a.id() + "/dependencies", ADMIN).json().get("upstream"), 5432)
                .get("covered_by").get(0).asText()).isEqualTo(created.json().get("id").asText());
        assertThat(api.get("/api/v1/dependencies?group_id=" + UUID.randomUUID(), ADMIN).status()).isEqualTo(404);

        String metrics = api.get("/metrics", null).body();
        assertThat(metrics).contains("aami_dependency_connections{destination=\"pg-g\",destination_kind=\"group\",port=\"5432\","
                + "protocol=\"tcp\",source_group=\"app-g\"} 6.0");
        assertThat(metrics).contains("aami_dependency_covered{destination=\"pg-g\",destination_kind=\"group\",port=\"5432\","
                + "protocol=\"tcp\",source_group=\"app-g\"} 1.0");
        assertThat(metrics.lines().filter(l -> l.startsWith("aami_dependency_connections{")).count()).as("discovery.metrics_max_edges")
                .isEqualTo(3);
        assertThat(metrics).containsPattern("aami_discovery_series_dropped\\{family=\"aami_dependency_connections\"\\} [1-9]");
        assertThat(metrics).containsPattern("aami_connections\\{agent_id=\"" + a.id() + "\",hostname=\"app-g1\",state=\"CLOSE_WAIT\"\\} 4");
        assertThat(metrics).contains("aami_discovery_series_dropped{family=\"aami_connections\"} 0");
        io.aami.server.metrics.MetricsExportTest.promtoolAccepts(metrics);
    }

    /**
     * An agent beside the server heartbeats from 127.0.0.1 and reports it: still every host's own loopback, so another
     * host's connection to its own 127.0.0.1 is local, not a dependency on that agent's group.
     */
    @Test
    void aLoopbackAddressNamesNoTargetWhoeverHeartbeatsFromIt() throws Exception {
        String beside = Fixtures.group(api, "beside-server");
        String app = Fixtures.group(api, "app-l");
        Agent local = enroll("beside-1", beside, "127.0.0.1");
        Api.Reply beat = api.post("/api/v1/agents/" + local.id() + "/heartbeat", Map.of("agent_version", "t"), local.token());
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        server.running().flushHeartbeats();
        Agent other = enroll("app-l1", app, "10.9.6.1");
        post(other, report(1, null, List.of(edge("upstream", 6379, "127.0.0.1", 2))));

        JsonNode peer = peerOf(api.get("/api/v1/targets/" + other.id() + "/dependencies", ADMIN).json().get("upstream"), 6379).get("peer");
        assertThat(peer.get("kind").asText()).as(peer.toString()).isEqualTo("address");
        assertThat(api.get("/api/v1/dependencies?group_id=" + app, ADMIN).json().get("edges")).as("a local edge").isEmpty();
        assertThat(uncoveredFrom(other.id())).isEmpty();
    }

    /**
     * A host not heard from for ten heartbeat intervals may have left its address to another host by now (DHCP, a
     * new VM): its last heartbeat address names it only while recent. The heartbeats are written as the server would
     * store them from another address (this test's own come from loopback, which names no one).
     */
    @Test
    void aHeartbeatAddressNamesItsTargetOnlyWhileRecent() throws Exception {
        String moved = Fixtures.group(api, "moved-away");
        Agent old = enroll("moved-1", moved, "10.9.8.9");
        Agent app = enroll("app-m1", null, "10.9.8.2");
        post(app, report(1, null, List.of(edge("upstream", 5432, "10.9.8.1", 2))));
        heartbeatFrom(old.id(), "10.9.8.1", Instant.now());
        JsonNode recent = peerOf(api.get("/api/v1/targets/" + app.id() + "/dependencies", ADMIN).json().get("upstream"), 5432).get("peer");
        assertThat(recent.get("kind").asText()).as(recent.toString()).isEqualTo("target");
        assertThat(recent.get("target_id").asText()).isEqualTo(old.id().toString());
        heartbeatFrom(old.id(), "10.9.8.1", Instant.now().minus(java.time.Duration.ofDays(1)));
        JsonNode stale = peerOf(api.get("/api/v1/targets/" + app.id() + "/dependencies", ADMIN).json().get("upstream"), 5432).get("peer");
        assertThat(stale.get("kind").asText()).as(stale.toString()).isEqualTo("address");
    }

    private static void heartbeatFrom(UUID target, String ip, Instant at) throws Exception {
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             var ps = c.prepareStatement("UPDATE targets SET last_heartbeat_ip = ?, last_heartbeat_at = ? WHERE id = ?")) {
            ps.setString(1, ip);
            ps.setTimestamp(2, java.sql.Timestamp.from(at));
            ps.setObject(3, target);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /**
     * A host dating its scan days back would make a new dependency look old to {@code UndeclaredDependency} (first seen
     * within a day): a sighting is dated at most {@link SnapshotStore#MAX_SCAN_AGE} before the server received it.
     */
    @Test
    void aScanDatedDaysBackIsSeenNoEarlierThanAnHourBeforeItArrived() throws Exception {
        Agent liar = enroll("backdating-1", null, "10.9.7.1");
        Map<String, Object> r = report(1, null, List.of(edge("upstream", 4444, "198.51.100.44", 1)));
        r.put("scanned_at", Instant.now().minus(java.time.Duration.ofDays(3)).toString());
        Instant before = Instant.now();
        assertThat(post(liar, r).status()).isEqualTo(200);
        JsonNode edge = peerOf(api.get("/api/v1/targets/" + liar.id() + "/dependencies", ADMIN).json().get("upstream"), 4444);
        Instant firstSeen = Instant.parse(edge.get("first_seen").asText());
        assertThat(firstSeen).isAfterOrEqualTo(before.minus(SnapshotStore.MAX_SCAN_AGE).minusSeconds(1)).isBefore(Instant.now());
    }

    @Test
    void diffsThatWouldGrowASnapshotPastItsBoundsAreRefusedWithNothingStored() throws Exception {
        Agent a = enroll("grow-1", null, "10.9.3.1");
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 2048; i++) {
            many.add(edge("upstream", 1 + i, "10.9.4." + (i % 250 + 1), 1));
        }
        assertThat(post(a, report(1, null, many)).status()).isEqualTo(200);
        Api.Reply grown = post(a, report(2, 1L, List.of(edge("upstream", 9999, "10.9.5.1", 1))));
        assertThat(grown.status()).as(grown.body()).isEqualTo(400);
        assertThat(grown.json().get("field").asText()).isEqualTo("results");
        assertThat(count("SELECT count(*) FROM discovery_edges WHERE target_id = '" + a.id() + "'")).isEqualTo(2048);
        assertThat(count("SELECT high_water FROM result_cursors WHERE stream = 'discovery' AND target_id = '" + a.id() + "'"))
                .as("the refused diff is not stored").isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.aami.server.discovery.DiscoveryBadInput#refusals")
    void refusedWithJsonAndNothingStored(String name, UnaryOperator<Object> body, int status, String field) throws Exception {
        DiscoveryBadInput.refusedWithJsonAndNothingStored(name, body, status, field);
        DiscoveryBadInput.nothingStored();
    }

    static JsonNode edgeTo(JsonNode graph, String target) {
        for (JsonNode e : graph.get("edges")) {
            if (e.get("target").asText().equals(target)) {
                return e;
            }
        }
        throw new AssertionError("no edge to " + target + " in " + graph);
    }

    static JsonNode uncoveredFrom(UUID source) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/dependencies/uncovered", ADMIN).json().forEach(u -> {
            if (u.get("source_target_id").asText().equals(source.toString())) {
                out.add(u);
            }
        });
        return Api.mapper().valueToTree(out);
    }
}
