package io.aami.server.console.targets;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The console's target list and target page on a real server and PostgreSQL: what they show, to whom, and their links. */
class TargetPagesTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static final Pattern ROW = Pattern.compile("<tr data-id=\"([0-9a-f-]{36})\">\\s*(?:<td><input[^>]*></td>\\s*)?<td><a href=\"[^\"]+\">([^<]*)</a>");
    static ConsoleSessions.Session viewer;
    static ConsoleSessions.Session operator;
    static String web;
    static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void fleet() {
        Fixtures.user(api, "pages-viewer", "viewer");
        Fixtures.user(api, "pages-operator", "operator");
        viewer = ConsoleSessions.login(api, "pages-viewer");
        operator = ConsoleSessions.login(api, "pages-operator");
        web = Fixtures.group(api, "pages-web");
        for (int i = 0; i < 120; i++) {
            String id = UUID.randomUUID().toString();
            Map<String, Object> body = new HashMap<>(Map.of("hostname", "page-host-%03d".formatted(i)));
            if (i % 10 == 0) {
                body.put("group_id", web);
                body.put("labels", Map.of("role", "edge"));
            }
            assertThat(api.put("/api/v1/targets/" + id, body, ADMIN).status()).isEqualTo(201);
            ids.add(id);
        }
    }

    static List<String> hostnames(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            out.add(m.group(2));
        }
        return out;
    }

    static String link(String html, String rel) {
        Matcher m = Pattern.compile("<a href=\"([^\"]+)\" rel=\"" + rel + "\">").matcher(html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    static String page(ConsoleSessions.Session as, String path) {
        Api.Reply r = as.get(api, path);
        assertThat(r.status()).as(path + ": " + r).isEqualTo(200);
        assertNoInlineScriptNorOtherOrigin(r.body());
        return r.body();
    }

    @Test
    void theListPagesBy50InHostnameOrderBothWays() {
        String first = page(viewer, "/ui/targets?q=page-host");
        assertThat(first).contains("120 targets match.");
        assertThat(hostnames(first)).hasSize(50).first().isEqualTo("page-host-000");
        assertThat(link(first, "prev")).isNull();
        String second = page(viewer, link(first, "next"));
        assertThat(hostnames(second)).hasSize(50).first().isEqualTo("page-host-050");
        String third = page(viewer, link(second, "next"));
        assertThat(hostnames(third)).hasSize(20).first().isEqualTo("page-host-100");
        assertThat(link(third, "next")).isNull();
        assertThat(link(third, "prev")).contains("q=page-host");
        String back = page(viewer, link(third, "prev"));
        assertThat(hostnames(back)).isEqualTo(hostnames(second));
        String backToFirst = page(viewer, link(back, "prev"));
        assertThat(hostnames(backToFirst)).isEqualTo(hostnames(first));
        assertThat(link(backToFirst, "prev")).isNull();
    }

    @Test
    void sortsFiltersAndSearchesByIdAndLabel() {
        String desc = page(viewer, "/ui/targets?q=page-host&sort=hostname&dir=desc");
        assertThat(hostnames(desc)).first().isEqualTo("page-host-119");
        assertThat(desc).contains("aria-sort=\"descending\"");
        String byGroup = page(viewer, "/ui/targets?group_id=" + web);
        assertThat(hostnames(byGroup)).hasSize(12).allMatch(h -> Integer.parseInt(h.substring(10)) % 10 == 0);
        assertThat(byGroup).contains("<option value=\"" + web + "\" selected>pages-web</option>");
        String groupSorted = page(viewer, "/ui/targets?q=page-host&sort=group&dir=desc");
        assertThat(hostnames(groupSorted).subList(0, 12)).allMatch(h -> Integer.parseInt(h.substring(10)) % 10 == 0);
        assertThat(hostnames(page(viewer, "/ui/targets?q=role%3Dedge"))).hasSize(12);
        assertThat(hostnames(page(viewer, "/ui/targets?q=" + ids.get(7)))).containsExactly("page-host-007");
        assertThat(hostnames(page(viewer, "/ui/targets?q=page-host&status=online"))).isEmpty();
        assertThat(page(viewer, "/ui/targets?q=page-host-11&status=pending")).contains("10 targets match.");
        String sortedByHeartbeat = page(viewer, "/ui/targets?q=page-host&sort=last_heartbeat");
        assertThat(hostnames(page(viewer, link(sortedByHeartbeat, "next")))).hasSize(50);
        // Wildcards in a search are literal.
        assertThat(page(viewer, "/ui/targets?q=page%25host")).contains("0 targets match.");
    }

    @Test
    void aViewerSeesNoBulkControlsAnOperatorSeesThemLabelled() {
        String seen = page(viewer, "/ui/targets?q=page-host");
        assertThat(seen).doesNotContain("id=\"bulk\"").doesNotContain("type=\"checkbox\"").doesNotContain("/api/v1/targets/bulk")
                .containsPattern("<script src=\"/ui/assets/targets\\.[0-9a-f]{12}\\.js\"></script>")
                .contains("<div class=\"table-wrap\">", "<label for=\"targets-q\">Search</label>");
        String operated = page(operator, "/ui/targets?q=page-host");
        assertThat(operated).contains("<form id=\"bulk\"", "data-bulk=\"/api/v1/targets/bulk\"", "<label for=\"bulk-action\">",
                "<label for=\"bulk-group\">", "aria-label=\"Select page-host-000\"", "aria-label=\"Select every target on this page\"");
        Api.Reply forged = viewer.send(api, "POST", "/api/v1/targets/bulk", Map.of("action", "revoke", "target_ids", List.of(ids.get(0))));
        assertThat(forged.status()).isEqualTo(403);
        Api.Reply moved = operator.send(api, "POST", "/api/v1/targets/bulk",
                Map.of("action", "move", "target_ids", List.of(ids.get(1)), "group_id", web));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/targets/" + ids.get(1), ADMIN).json().get("group_id").asText()).isEqualTo(web);
        api.put("/api/v1/targets/" + ids.get(1), Map.of("hostname", "page-host-001"), ADMIN);
    }

    @Test
    void valuesAreEscaped() {
        String id = UUID.randomUUID().toString();
        api.put("/api/v1/targets/" + id, Map.of("hostname", "<script>alert(1)</script>", "labels", Map.of("k", "\"><img src=x>")), ADMIN);
        String list = page(viewer, "/ui/targets?q=alert");
        assertThat(list).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
        String detail = page(viewer, "/ui/targets/" + id);
        assertThat(detail).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "k=\"&gt;&lt;img src=x&gt;").doesNotContain("<img");
    }

    @Test
    void theTargetPageShowsIdentityChecksWithOutputAndProbes() {
        String group = Fixtures.group(api, "detail-group");
        Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "detail-host", group);
        String check = Fixtures.createCheck(api, Fixtures.check("detail-check", "#!/bin/sh\necho hi\n", 60, Map.of("group_id", group)));
        api.post("/api/v1/probes", Map.of("name", "detail-probe", "target", "127.0.0.1", "target_port", 5432, "protocol", "TCP",
                "timeout_ms", 500, "interval_seconds", 10, "group_id", group), ADMIN);
        Api.Reply posted = api.post("/api/v1/agents/" + agent.id() + "/check-results", Map.of("results", List.of(Map.of("seq", 1,
                "check_id", check, "status", "critical", "exit_code", 2, "output", "disk <b>full</b> & more", "duration_ms", 42,
                "executed_at", Instant.now().toString()))), agent.token());
        assertThat(posted.status()).as(posted.toString()).isEqualTo(200);

        String seen = page(viewer, "/ui/targets/" + agent.id());
        assertThat(seen).contains("<h1>detail-host <span class=\"badge online\">online</span></h1>", "<code>" + agent.id() + "</code>",
                "<dt>Reported IP</dt><dd>127.0.0.1</dd>", ">detail-group</a>", "detail-check <span class=\"badge critical\">critical</span>",
                "<pre class=\"output\">disk &lt;b&gt;full&lt;/b&gt; &amp; more</pre>", "42 ms, exit code 2",
                "data-history=\"/api/v1/targets/" + agent.id() + "/check-results?check_id=" + check + "\"",
                "detail-probe: TCP 127.0.0.1:5432", "data-history=\"/api/v1/targets/" + agent.id() + "/probe-results?probe_id=")
                .containsPattern("<script src=\"/ui/assets/uplot\\.[0-9a-f]{12}\\.js\"></script>")
                .containsPattern("<script src=\"/ui/assets/target\\.[0-9a-f]{12}\\.js\"></script>")
                .containsPattern("<div class=\"plot\" role=\"img\" aria-labelledby=\"check-chart-" + check + "\"></div>")
                .doesNotContain("data-method=\"DELETE\"").doesNotContain(">Revoke</button>");
        String operated = page(operator, "/ui/targets/" + agent.id());
        assertThat(operated).contains("data-api=\"/api/v1/targets/" + agent.id() + "/revoke\"",
                "data-api=\"/api/v1/targets/" + agent.id() + "\" data-method=\"DELETE\" data-next=\"/ui/targets\"", "data-confirm=\"Delete detail-host?");
        // The history the chart script reads answers the session.
        Api.Reply history = viewer.get(api, "/api/v1/targets/" + agent.id() + "/check-results?check_id=" + check + "&limit=500&since="
                + Instant.now().minusSeconds(86_400));
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().get(0).get("duration_ms").asLong()).isEqualTo(42);
    }

    @Test
    void anUnknownTargetIsA404Page() {
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid")) {
            Api.Reply r = viewer.get(api, "/ui/targets/" + id);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(r.body()).contains("data-error-code=\"NOT_FOUND\"", "<h1 id=\"error-heading\">Not found</h1>",
                    "<a href=\"/ui/targets\">All targets</a>", "aria-current=\"page\">Targets</a>");
            assertNoInlineScriptNorOtherOrigin(r.body());
        }
        Api.Reply anonymous = api.get("/ui/targets/" + UUID.randomUUID(), null);
        assertThat(anonymous.status()).isEqualTo(303);
    }

    @Test
    void aCursorThatIsNotItsSortsShowsTheFirstPageWithoutAWarning() {
        List<Fixtures.EnrolledAgent> agents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Fixtures.EnrolledAgent a = Fixtures.enroll(api, "page-beat-" + i, null);
            assertThat(api.post("/api/v1/agents/" + a.id() + "/heartbeat", Map.of("agent_version", "t"), a.token()).status()).isEqualTo(200);
            agents.add(a);
        }
        server.running().flushHeartbeats();
        String byBeat = "/ui/targets?q=page-beat&sort=last_heartbeat";
        List<String> first = hostnames(page(viewer, byBeat));
        assertThat(first).hasSize(3);
        // A cursor the page sends (an ISO instant) still pages: past the first row are the other two.
        String firstId = ids(page(viewer, byBeat)).get(0);
        String beat = api.get("/api/v1/targets/" + firstId, ADMIN).json().get("last_heartbeat_at").asText();
        assertThat(hostnames(page(viewer, byBeat + "&after=" + beat + "&after_id=" + firstId))).isEqualTo(first.subList(1, 3));

        String id = ids.get(0);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            for (String cursor : List.of("garbage", "%00", "2026-13-01T00:00:00Z", "%2B999999999-12-31T23:59:59Z", "infinity")) {
                assertThat(hostnames(page(viewer, byBeat + "&after=" + cursor + "&after_id=" + id))).as(cursor).isEqualTo(first);
                assertThat(hostnames(page(viewer, byBeat + "&before=" + cursor + "&before_id=" + id))).as(cursor).isEqualTo(first);
            }
            List<String> byHost = hostnames(page(viewer, "/ui/targets?q=page-host"));
            for (String cursor : List.of("%00", "page-host-010%01", "%1B")) {
                assertThat(hostnames(page(viewer, "/ui/targets?q=page-host&after=" + cursor + "&after_id=" + id))).as(cursor).isEqualTo(byHost);
                assertThat(hostnames(page(viewer, "/ui/targets?q=page-host&sort=group&after=" + cursor + "&after_id=" + id))).as(cursor)
                        .isEqualTo(hostnames(page(viewer, "/ui/targets?q=page-host&sort=group")));
            }
            assertThat(hostnames(page(viewer, "/ui/targets?q=page-host&sort=status&after=%00x&after_id=" + id)))
                    .isEqualTo(hostnames(page(viewer, "/ui/targets?q=page-host&sort=status")));
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    static List<String> ids(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
