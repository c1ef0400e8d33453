package io.aami.server.console.probes;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.ServerPerClass;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's probe pages and probe matrix on a real server and PostgreSQL. */
class ProbePagesTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static ConsoleSessions.Session viewer;
    static ConsoleSessions.Session operator;
    static int seq = 1;

    @BeforeAll
    static void users() {
        Fixtures.user(api, "pp-viewer", "viewer");
        Fixtures.user(api, "pp-operator", "operator");
        viewer = ConsoleSessions.login(api, "pp-viewer");
        operator = ConsoleSessions.login(api, "pp-operator");
    }

    @Test
    void theMatrixCountsEachGroupPairAsTextAndAFailingCellOpensItsPairsWithTheirReason() {
        String web = Fixtures.group(api, "pp-web");
        String db = Fixtures.group(api, "pp-db");
        EnrolledAgent w1 = Fixtures.enroll(api, "pp-w1", web);
        EnrolledAgent w2 = Fixtures.enroll(api, "pp-w2", web);
        EnrolledAgent d1 = Fixtures.enroll(api, "pp-d1", db);
        String toDb = probe(Map.of("name", "pp-to-db", "target_group_id", db, "target_port", 5432, "group_id", web));
        String outside = probe(Map.of("name", "pp-out", "target", "192.0.2.7", "target_port", 443, "group_id", db));
        report(w1, toDb, "127.0.0.1", d1.id().toString(), 5432, false, "refused");
        report(w2, toDb, "127.0.0.1", d1.id().toString(), 5432, true, "ok");
        report(d1, outside, "192.0.2.7", null, 443, true, "ok");

        Api.Reply matrix = viewer.get(api, "/ui/matrix");
        assertThat(matrix.status()).isEqualTo(200);
        String href = "/ui/matrix/pairs?source_group=" + web + "&amp;destination_group=" + db;
        assertThat(matrix.body()).contains("<th scope=\"row\">pp-web</th>", "<th scope=\"col\">pp-db</th>", "(outside the fleet)",
                "<a class=\"cell failing\" href=\"" + href + "\" data-source=\"" + web + "\" data-destination=\"" + db + "\">1 ok · 1 failing",
                "<span class=\"cell ok\">1 ok");
        assertNoInlineScriptNorOtherOrigin(matrix.body());

        Api.Reply pairs = viewer.get(api, href.replace("&amp;", "&"));
        assertThat(pairs.status()).as(pairs.toString()).isEqualTo(200);
        assertThat(pairs.body()).contains("Failing probes from pp-web to pp-db", "<a href=\"/ui/targets/" + w1.id() + "\">pp-w1</a>",
                "<a href=\"/ui/targets/" + d1.id() + "\">pp-d1</a>", "5432/TCP", "refused", "pp-to-db").doesNotContain(">pp-w2<");
        assertNoInlineScriptNorOtherOrigin(pairs.body());
        assertThat(viewer.get(api, "/ui/matrix/pairs?source_group=nonsense&destination_group=none").status()).isEqualTo(400);
        assertThat(viewer.get(api, "/ui/matrix/pairs?source_group=none&destination_group=outside").body())
                .contains("No failing probe between these groups now.");
    }

    @Test
    void theProbePagesListFailuresAndShowWriteControlsToOperatorsOnly() {
        EnrolledAgent src = Fixtures.enroll(api, "pp-src", null);
        String id = probe(Map.of("name", "pp-<i>ssh</i>", "target", "192.0.2.9", "target_port", 22, "global", true));
        report(src, id, "192.0.2.9", null, 22, false, "timeout");

        String list = viewer.get(api, "/ui/probes").body();
        assertThat(list).contains("<a href=\"/ui/probes/" + id + "\">pp-&lt;i&gt;ssh&lt;/i&gt;</a>", "192.0.2.9")
                .doesNotContain("data-api=").doesNotContain("/ui/probes/new").doesNotContain("<i>ssh");
        assertThat(list).containsPattern("<tr data-probe=\"" + id + "\">(?s:.*?)data-failing><span class=\"badge critical\">1<");
        assertNoInlineScriptNorOtherOrigin(list);
        String page = viewer.get(api, "/ui/probes/" + id).body();
        assertThat(page).contains("<a href=\"/ui/targets/" + src.id() + "\">pp-src</a>", "timeout").doesNotContain("<form");
        assertThat(viewer.get(api, "/ui/probes/new").status()).isEqualTo(403);

        String asOperator = operator.get(api, "/ui/probes/" + id).body();
        assertThat(asOperator).contains("<form id=\"edit-probe\"", "data-api=\"/api/v1/probes/" + id + "\" data-method=\"PUT\"",
                "data-api=\"/api/v1/probes/" + id + "/enabled\"", "data-method=\"DELETE\"", "name=\"target_port\"",
                "name=\"timeout_ms\"", "name=\"target_group_id\"", "name=\"udp_no_reply_ok\"");
        assertNoInlineScriptNorOtherOrigin(asOperator);
        assertThat(operator.get(api, "/ui/probes/new").body()).contains("<form id=\"new-probe\"");

        assertThat(viewer.send(api, "PUT", "/api/v1/probes/" + id + "/enabled", Map.of("enabled", false)).status()).isEqualTo(403);
        Api.Reply off = operator.send(api, "PUT", "/api/v1/probes/" + id + "/enabled", Map.of("enabled", false));
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/probes/" + id, ADMIN).json().get("enabled").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/probes/" + id, ADMIN).json().get("target_port").asInt()).isEqualTo(22);
        assertThat(operator.get(api, "/ui/probes").body()).contains("aria-label=\"Enable pp-&lt;i>ssh&lt;/i>\"");
    }

    @Test
    void eachProbeSaysHowManyTargetsItAppliesToByTheSameNameRuleAsChecks() {
        String a = Fixtures.group(api, "pp-reach-a");
        String b = Fixtures.group(api, "pp-reach-b");
        Fixtures.enroll(api, "pp-ra1", a);
        Fixtures.enroll(api, "pp-ra2", a);
        EnrolledAgent b1 = Fixtures.enroll(api, "pp-rb1", b);
        String global = probe(Map.of("name", "pp-reach", "target", "192.0.2.20", "target_port", 80, "global", true));
        // Names compare as the policy compares them: a group's "PP-Reach" takes its group's targets from the global one.
        String group = probe(Map.of("name", "PP-Reach", "target", "192.0.2.21", "target_port", 80, "group_id", a));
        String own = probe(Map.of("name", "pp-reach", "target", "192.0.2.22", "target_port", 80, "target_id", b1.id().toString()));
        long live = 0;
        for (var t : api.get("/api/v1/targets", ADMIN).json()) {
            live += t.get("status").asText().equals("revoked") ? 0 : 1;
        }

        String list = viewer.get(api, "/ui/probes").body();
        assertThat(applies(list, group)).isEqualTo(2);
        assertThat(applies(list, own)).isEqualTo(1);
        assertThat(applies(list, global)).as("every live target but the group's two and the one with its own").isEqualTo(live - 3);
        assertThat(viewer.get(api, "/ui/probes/" + global).body()).contains("<dt>Runs on</dt><dd>" + (live - 3) + " targets</dd>");
        assertThat(viewer.get(api, "/ui/probes/" + group).body()).contains("<dt>Runs on</dt><dd>2 targets</dd>");
    }

    private static long applies(String list, String probe) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<tr data-probe=\"" + probe + "\">(?s:.*?)data-applies>(\\d+)<")
                .matcher(list);
        assertThat(m.find()).as("row of " + probe).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void anIcmpProbeShowsItsEchoesAndNoPortAndTheFormOffersIcmp() {
        String id = probe(Map.of("name", "pp-ping", "target", "192.0.2.10", "protocol", "ICMP", "icmp",
                Map.of("count", 4, "interval_ms", 50), "global", true));
        String page = operator.get(api, "/ui/probes/" + id).body();
        assertThat(page).contains("<dt>Echoes</dt><dd>4 every 50 ms</dd>", "<option value=\"ICMP\" selected>",
                ">{\"count\":4,\"interval_ms\":50}</textarea>").doesNotContain("<dt>Port</dt>");
        assertThat(page).containsPattern("name=\"target_port\"[^>]*value=\"\"");
        assertThat(operator.get(api, "/ui/probes/new").body()).contains("<option value=\"ICMP\">", "name=\"icmp\"");
    }

    private static String probe(Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("protocol", "TCP", "timeout_ms", 500, "interval_seconds", 30));
        body.putAll(fields);
        Api.Reply r = api.post("/api/v1/probes", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static void report(EnrolledAgent from, String probe, String target, String destinationTarget, int port,
                               boolean success, String reason) {
        api.post("/api/v1/agents/" + from.id() + "/heartbeat", Map.of("agent_version", "t"), from.token());
        server.running().flushHeartbeats();
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq++, "probe_id", probe, "target", target, "target_ip", target,
                "target_port", port, "protocol", "TCP", "success", success, "reason", reason, "total_ms", 1.5,
                "executed_at", Instant.now().toString()));
        if (destinationTarget != null) {
            r.put("destination_target_id", destinationTarget);
        }
        Api.Reply posted = api.post("/api/v1/agents/" + from.id() + "/probe-results", Map.of("results", List.of(r)), from.token());
        assertThat(posted.status()).as(posted.toString()).isLessThan(300);
    }

    @Test
    void aProbesPageShowsItsOwnRowEvenPastTheListsLastRow() throws Exception {
        var db = server.database();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
             var ps = c.prepareStatement("INSERT INTO probes (id, name, target, target_port, protocol, timeout_ms, interval_seconds, "
                     + "scope, enabled, created_at, updated_at) SELECT gen_random_uuid(), 'zz-fill-' || n, '192.0.2.1', 80, 'TCP', "
                     + "500, 30, 'global', false, now(), now() FROM generate_series(1, ?) n")) {
            ps.setInt(1, ProbePagesStore.MAX_PROBES + 1);
            ps.executeUpdate();
        }
        String id = probe(Map.of("name", "zzzz-past-the-list", "target", "192.0.2.10", "target_port", 443, "global", true));
        String page = viewer.get(api, "/ui/probes/" + id).body();
        assertThat(page).contains("<dt>Scope</dt><dd>every target</dd>", "<dt>Destination</dt><dd>192.0.2.10</dd>")
                .containsPattern("<dt>Runs on</dt><dd>\\d+ targets</dd>");
    }
}
