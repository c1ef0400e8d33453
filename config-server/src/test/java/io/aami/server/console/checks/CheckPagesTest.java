package io.aami.server.console.checks;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.checks.ProcessCheckRules;
import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.ServerPerClass;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's check pages on a real server and PostgreSQL: what they show, to whom, and the enable switch's API. */
class CheckPagesTest {
    @RegisterExtension
    // The summary is read between changes: computed afresh each time.
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_CONSOLE_SUMMARY_MAX_AGE", "0s"));
    static final Api api = server.api();
    static ConsoleSessions.Session viewer;
    static ConsoleSessions.Session operator;

    @BeforeAll
    static void users() {
        Fixtures.user(api, "cp-viewer", "viewer");
        Fixtures.user(api, "cp-operator", "operator");
        viewer = ConsoleSessions.login(api, "cp-viewer");
        operator = ConsoleSessions.login(api, "cp-operator");
    }

    @Test
    void theListCountsTheTargetsEachCheckRunsOnAndHowManyFailByThePolicysOverrides() {
        String a = Fixtures.group(api, "cp-a");
        String b = Fixtures.group(api, "cp-b");
        EnrolledAgent a1 = Fixtures.enroll(api, "cp-a1", a);
        Fixtures.enroll(api, "cp-a2", a);
        EnrolledAgent b1 = Fixtures.enroll(api, "cp-b1", b);
        Fixtures.enroll(api, "cp-none", null);
        int before = targetsNow();
        String global = Fixtures.createCheck(api, check("cp-disk", "true", 60, Map.of("global", true)));
        String groupA = Fixtures.createCheck(api, check("CP-DISK", "true", 60, Map.of("group_id", a)));
        String own = Fixtures.createCheck(api, check("cp-disk", "true", 60, Map.of("target_id", b1.id().toString())));
        Map<String, Object> off = check("cp-off", "true", 60, Map.of("global", true));
        off.put("enabled", false);
        String disabled = Fixtures.createCheck(api, off);
        result(a1, groupA, "critical", 2);

        String page = viewer.get(api, "/ui/checks").body();
        // The group's check beats the global one on cp-a1 and cp-a2, cp-b1's own beats it there: the global one runs on
        // the targets in no group or in another group only.
        assertThat(counts(page, global)).containsExactly(String.valueOf(before - 3), "0");
        assertThat(counts(page, groupA)).containsExactly("2", "1");
        assertThat(counts(page, own)).containsExactly("1", "0");
        assertThat(counts(page, disabled)).containsExactly("0", "0");
        // A check's own page counts it from the checks of its name alone, and agrees with the list.
        assertThat(viewer.get(api, "/ui/checks/" + global).body()).contains("<dt>Runs on</dt><dd>" + (before - 3) + " targets</dd>");
        assertThat(viewer.get(api, "/ui/checks/" + groupA).body()).contains("<dt>Runs on</dt><dd>2 targets</dd>");
        assertThat(viewer.get(api, "/ui/checks/" + own).body()).contains("<dt>Runs on</dt><dd>1 targets</dd>");
        assertThat(page).contains("group cp-a", "target cp-b1", "every target", "<span class=\"badge disabled\">disabled</span>");
        assertNoInlineScriptNorOtherOrigin(page);
    }

    @Test
    void aProcessChecksPageShowsItsKindAndMatchAndEditsItsOwnFieldsAndAPassiveOneItsResultsRoute() {
        Map<String, Object> match = new HashMap<>(Map.of("name_regex", "^nginx$", "user", "www-data", "min_count", 1,
                "max_count", 8, "max_rss_bytes", 1073741824, "max_threads", 64));
        String proc = Fixtures.createCheck(api, Map.of("name", "cp-nginx", "kind", "process", "interval_seconds", 30,
                "global", true, "process", match));
        String passive = Fixtures.createCheck(api, Map.of("name", "cp-backup", "kind", "passive", "interval_seconds", 3600,
                "global", true));
        String list = viewer.get(api, "/ui/checks").body();
        assertThat(list).containsPattern("/ui/checks/" + proc + "\">cp-nginx</a></td>\\s*<td>process</td>")
                .containsPattern("/ui/checks/" + passive + "\">cp-backup</a></td>\\s*<td>passive</td>");
        String page = operator.get(api, "/ui/checks/" + proc).body();
        assertThat(page).contains("<dd id=\"check-kind\">process</dd>", "<code>^nginx$</code>", "<dd>www-data</dd>",
                "<dd id=\"process-count\">at least 1, at most 8</dd>",
                "<dd id=\"process-bounds\">1073741824 bytes resident, 64 threads</dd>")
                .doesNotContain("Script SHA-256");
        // Its edit form sends its kind back and edits its match, never a script: saving keeps it a process check.
        String edit = form(page, "edit-check");
        assertThat(edit).contains("data-api=\"/api/v1/checks/" + proc + "\" data-method=\"PUT\"",
                        "<input type=\"hidden\" name=\"kind\" value=\"process\">",
                        "name=\"process.name_regex\" value=\"^nginx$\"", "name=\"process.user\" value=\"www-data\"",
                        "name=\"process.max_count\" value=\"8\"", "name=\"process.max_cpu_percent\" value=\"\"")
                .doesNotContain("name=\"script\"").doesNotContain("name=\"interpreter\"").doesNotContain("name=\"kind\" value=\"script\"")
                .doesNotContainPattern("name=\"process\\.[a-z_]+\"[^>]* disabled").doesNotContainPattern("<fieldset[^>]* hidden");
        String passivePage = operator.get(api, "/ui/checks/" + passive).body();
        assertThat(form(passivePage, "edit-check")).contains("<input type=\"hidden\" name=\"kind\" value=\"passive\">",
                        "<span data-kind=\"passive\">Expected interval</span>", "<span data-kind=\"passive\">Grace</span>")
                .doesNotContain("name=\"process.").doesNotContain("name=\"script\"").doesNotContain("name=\"env\"");
        String asViewer = viewer.get(api, "/ui/checks/" + passive).body();
        assertThat(asViewer).contains("<dd id=\"check-kind\">passive</dd>", "POST /check-results").doesNotContain("<form");
        assertNoInlineScriptNorOtherOrigin(page);
        assertNoInlineScriptNorOtherOrigin(passivePage);
    }

    @Test
    void theNewCheckFormOffersTheKindsToOperatorsWithEveryProcessFieldLabelledAndOffUntilChosen() {
        assertThat(viewer.get(api, "/ui/checks/new").status()).isEqualTo(403);
        assertThat(viewer.get(api, "/ui/checks").body()).doesNotContain("name=\"kind\"");
        String form = form(operator.get(api, "/ui/checks/new").body(), "new-check");
        assertThat(form).contains("<fieldset class=\"choice\" data-toggles=\"kind\">", "<legend>Kind</legend>",
                "<input id=\"new-check-kind-script\" type=\"radio\" name=\"kind\" value=\"script\" checked>",
                "<input id=\"new-check-kind-process\" type=\"radio\" name=\"kind\" value=\"process\">",
                "<input id=\"new-check-kind-passive\" type=\"radio\" name=\"kind\" value=\"passive\">",
                "<label for=\"new-check-kind-process\">", "<fieldset name=\"process\" class=\"process\" data-kind=\"process\" hidden>",
                "<div data-kind=\"script\">", "name=\"script\" class=\"script\" spellcheck");
        // Every key the API takes under "process" has a labelled control named by its path, disabled (not sent) until
        // the kind is chosen; the counts and bounds are numbers.
        for (String key : ProcessCheckRules.KEYS) {
            assertThat(form).as(key).contains("<label for=\"new-check-" + key + "\">")
                    .containsPattern("<input id=\"new-check-" + key + "\" name=\"process\\." + key + "\" value=\"\"[^>]* disabled>");
            assertThat(form.contains("name=\"process." + key + "\" value=\"\" data-type=\"number\" inputmode=\"numeric\""))
                    .as(key).isEqualTo(!key.endsWith("_regex") && !key.equals("user"));
        }
    }

    /** The form {@code id} of a page, from its start tag to its end tag. */
    private static String form(String page, String id) {
        Matcher m = Pattern.compile("<form id=\"" + id + "\".*?</form>", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("form " + id + " in " + page).isTrue();
        return m.group();
    }

    @Test
    void aViewerSeesNoWriteControlAndAnOperatorDoes() {
        String id = Fixtures.createCheck(api, check("cp-controls", "true", 60, Map.of("global", true)));
        String asViewer = viewer.get(api, "/ui/checks").body();
        assertThat(asViewer).contains("/ui/checks/" + id).doesNotContain("/ui/checks/new").doesNotContain("data-api=");
        String viewerCheck = viewer.get(api, "/ui/checks/" + id).body();
        assertThat(viewerCheck).doesNotContain("<form").doesNotContain("data-api=").contains("<pre class=\"output script\">true</pre>");
        assertThat(viewer.get(api, "/ui/checks/new").status()).isEqualTo(403);

        String asOperator = operator.get(api, "/ui/checks").body();
        assertThat(asOperator).contains("href=\"/ui/checks/new\"",
                "data-api=\"/api/v1/checks/" + id + "/enabled\" data-method=\"PUT\" data-body=\"{&#34;enabled&#34;:false}\"",
                "aria-label=\"Disable cp-controls\"");
        Api.Reply form = operator.get(api, "/ui/checks/new");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("<form id=\"new-check\"", "data-api=\"/api/v1/checks\" data-method=\"POST\"",
                "name=\"interval_seconds\"", "name=\"timeout_seconds\"", "<textarea id=\"new-check-script\" name=\"script\" class=\"script\"",
                "name=\"interpreter\"", "name=\"env\" data-type=\"map\"", "name=\"group_id\"", "name=\"target_id\"", "name=\"labels\"",
                "name=\"args\" data-type=\"lines\"", "name=\"enabled\" data-type=\"bool\"");
        assertNoInlineScriptNorOtherOrigin(form.body());
        // Every control has a label.
        Matcher ids = Pattern.compile("<(?:input|select|textarea) id=\"([^\"]+)\"(?![^>]*type=\"hidden\")").matcher(form.body());
        int controls = 0;
        while (ids.find()) {
            assertThat(form.body()).as("label of " + ids.group(1)).contains("<label for=\"" + ids.group(1) + "\">");
            controls++;
        }
        assertThat(controls).isGreaterThanOrEqualTo(12);
    }

    @Test
    void aChecksPageListsItsFailingTargetsAndShowsEnvValuesToOperatorsOnly() {
        String g = Fixtures.group(api, "cp-db");
        EnrolledAgent failing = Fixtures.enroll(api, "cp-db1", g);
        EnrolledAgent fine = Fixtures.enroll(api, "cp-db2", g);
        Map<String, Object> body = check("cp-<b>pg</b>", "pg_isready", 60, Map.of("group_id", g));
        body.put("env", Map.of("PGPASSWORD", "s3cret-value"));
        String id = Fixtures.createCheck(api, body);
        result(failing, id, "critical", 2);
        result(fine, id, "ok", 0);

        String asViewer = viewer.get(api, "/ui/checks/" + id).body();
        assertThat(asViewer).contains("PGPASSWORD").doesNotContain("s3cret-value")
                .contains("<a href=\"/ui/targets/" + failing.id() + "\">cp-db1</a>").doesNotContain(">cp-db2<")
                .contains("data-status=\"critical\">1<", "data-status=\"ok\">1<", "cp-&lt;b&gt;pg&lt;/b&gt;").doesNotContain("<b>pg");
        assertNoInlineScriptNorOtherOrigin(asViewer);

        String asOperator = operator.get(api, "/ui/checks/" + id).body();
        assertThat(asOperator).contains("PGPASSWORD=s3cret-value", "data-api=\"/api/v1/checks/" + id + "\" data-method=\"PUT\"",
                "data-method=\"DELETE\" data-confirm=", "<option value=\"" + g + "\" selected>cp-db</option>");
        assertNoInlineScriptNorOtherOrigin(asOperator);
        assertThat(viewer.get(api, "/ui/checks/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void enablingGoesThroughTheApiForOperatorsAuditedAndNamesABadField() {
        String id = Fixtures.createCheck(api, check("cp-switch", "true", 60, Map.of("global", true)));
        assertThat(viewer.send(api, "PUT", "/api/v1/checks/" + id + "/enabled", Map.of("enabled", false)).status()).isEqualTo(403);
        Api.Reply off = operator.send(api, "PUT", "/api/v1/checks/" + id + "/enabled", Map.of("enabled", false));
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        assertThat(off.json().get("enabled").asBoolean()).isFalse();
        assertThat(off.json().get("script").asText()).isEqualTo("true");
        assertThat(api.get("/api/v1/checks/" + id, ADMIN).json().get("enabled").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/audit?object=" + id, ADMIN).json().toString()).contains("\"action\":\"update\"", "cp-operator");
        Api.Reply missing = operator.send(api, "PUT", "/api/v1/checks/" + id + "/enabled", Map.of());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("field").asText()).isEqualTo("enabled");
        Api.Reply badInterval = operator.send(api, "POST", "/api/v1/checks", check("cp-bad", "true", 0, Map.of("global", true)));
        assertThat(badInterval.json().get("field").asText()).isEqualTo("interval_seconds");
        assertThat(operator.send(api, "PUT", "/api/v1/checks/" + java.util.UUID.randomUUID() + "/enabled",
                Map.of("enabled", true)).status()).isEqualTo(404);
    }

    private static int targetsNow() {
        return api.get("/api/v1/fleet/summary", ADMIN).json().get("targets").get("online").asInt()
                + api.get("/api/v1/fleet/summary", ADMIN).json().get("targets").get("pending").asInt()
                + api.get("/api/v1/fleet/summary", ADMIN).json().get("targets").get("offline").asInt();
    }

    private static List<String> counts(String page, String id) {
        Matcher row = Pattern.compile("<tr data-check=\"" + id + "\">(.*?)</tr>", Pattern.DOTALL).matcher(page);
        assertThat(row.find()).as("row of " + id + " in " + page).isTrue();
        Matcher applies = Pattern.compile("data-applies>(\\d+)<").matcher(row.group(1));
        Matcher failing = Pattern.compile("data-failing>(?:<span class=\"badge critical\">)?\\s*(\\d+)<").matcher(row.group(1));
        assertThat(applies.find() && failing.find()).as(row.group(1)).isTrue();
        return List.of(applies.group(1), failing.group(1));
    }

    private static void result(EnrolledAgent a, String checkId, String status, int exit) {
        Map<String, Object> r = new HashMap<>(Map.of("seq", seq++, "check_id", checkId, "status", status, "exit_code", exit,
                "output", "said " + status, "truncated", false, "timed_out", false, "duration_ms", 5,
                "executed_at", Instant.now().toString()));
        Api.Reply posted = api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(r)), a.token());
        assertThat(posted.status()).as(posted.toString()).isLessThan(300);
    }

    private static int seq = 1;

    @Test
    void aChecksPageCountsItsOwnRowEvenPastTheListsLastRow() throws Exception {
        var db = server.database();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
             var ps = c.prepareStatement("INSERT INTO checks (id, name, interpreter, script, script_sha256, interval_seconds, "
                     + "timeout_seconds, scope, enabled, created_at, updated_at) SELECT gen_random_uuid(), 'zz-fill-' || n, 'sh', "
                     + "'true', 'x', 60, 30, 'global', false, now(), now() FROM generate_series(1, ?) n")) {
            ps.setInt(1, CheckPagesStore.MAX_CHECKS + 1);
            ps.executeUpdate();
        }
        String id = Fixtures.createCheck(api, check("zzzz-past-the-list", "true", 60, Map.of("global", true)));
        String page = viewer.get(api, "/ui/checks/" + id).body();
        assertThat(page).containsPattern("<dt>Runs on</dt><dd>\\d+ targets</dd>").doesNotContain("not counted");
    }
}
