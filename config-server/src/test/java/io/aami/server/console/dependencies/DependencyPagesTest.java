package io.aami.server.console.dependencies;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What host discovery shows in the console, on a real server and PostgreSQL: the target page's services,
 * dependencies (peers resolved, covered or not) and connection states; the dependency page's uncovered list with its
 * create-probe button for operators only, whose probe the API takes as it is, and its table of the group graph's edges.
 */
class DependencyPagesTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_DISCOVERY_INVENTORY", "203.0.113.0/24=payments-saas"));
    static final Api api = server.api();
    static final Pattern CREATE = Pattern.compile("data-api=\"/api/v1/probes\" data-method=\"POST\" data-body=\"([^\"]+)\"");
    static ConsoleSessions.Session viewer;
    static ConsoleSessions.Session operator;
    static String web;
    static String db;
    static UUID webHost;
    static UUID dbHost;

    @BeforeAll
    static void fleet() {
        Fixtures.user(api, "dep-viewer", "viewer");
        Fixtures.user(api, "dep-operator", "operator");
        viewer = ConsoleSessions.login(api, "dep-viewer");
        operator = ConsoleSessions.login(api, "dep-operator");
        web = Fixtures.group(api, "dep-web");
        db = Fixtures.group(api, "dep-db");
        JsonNode w = enroll("dep-web1", web, "10.7.0.1");
        JsonNode d = enroll("dep-db1", db, "10.7.0.2");
        webHost = UUID.fromString(w.get("agent_id").asText());
        dbHost = UUID.fromString(d.get("agent_id").asText());
        report(w, List.of(edge("upstream", 5432, "10.7.0.2", 30), edge("upstream", 443, "203.0.113.9", 2)));
        report(d, List.of(edge("downstream", 5432, "10.7.0.1", 30)));
    }

    static JsonNode enroll(String hostname, String group, String ip) {
        String bootstrap = Fixtures.bootstrapToken(api, 1, Map.of("group_id", group));
        return api.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "hostname", hostname, "ip_address", ip), null)
                .json();
    }

    static Map<String, Object> edge(String direction, int port, String remote, long count) {
        return Map.of("direction", direction, "protocol", "tcp", "process", "app", "port", port, "remote_address", remote, "count", count);
    }

    static void report(JsonNode agent, List<Map<String, Object>> edges) {
        Map<String, Object> r = Map.of("seq", 1, "kind", "full", "scanned_at", Instant.now().toString(), "partial", false,
                "truncated", false, "state_totals", Map.of("ESTABLISHED", 9, "TIME_WAIT", 4),
                "services", List.of(Map.of("protocol", "tcp", "bind", "0.0.0.0", "port", 8443, "process", "nginx", "count", 2)),
                "edges", edges,
                "states", List.of(Map.of("state", "TIME_WAIT", "process", "app", "container", "", "local_port", 0,
                        "remote_address", "10.7.0.9", "remote_port", 6379, "count", 4)));
        Api.Reply ack = api.post("/api/v1/agents/" + agent.get("agent_id").asText() + "/discovery", Map.of("results", List.of(r)),
                agent.get("agent_token").asText());
        assertThat(ack.status()).as(ack.toString()).isEqualTo(200);
    }

    static String page(ConsoleSessions.Session as, String path) {
        Api.Reply r = as.get(api, path);
        assertThat(r.status()).as(path + ": " + r).isEqualTo(200);
        assertNoInlineScriptNorOtherOrigin(r.body());
        return r.body();
    }

    static String section(String html, String id) {
        int at = html.indexOf("id=\"" + id + "\"");
        assertThat(at).as("section " + id).isPositive();
        return html.substring(at, html.indexOf("</section>", at));
    }

    @Test
    void theTargetPageShowsServicesDependenciesAndConnectionStates() {
        String html = page(viewer, "/ui/targets/" + webHost);
        assertThat(section(html, "services")).contains("<td>0.0.0.0</td><td>8443</td><td>nginx</td><td>2</td>");
        String deps = section(html, "dependencies");
        assertThat(deps).contains("<a href=\"/ui/targets/" + dbHost + "\">dep-db1</a>",
                "(group <a href=\"/ui/targets?group_id=" + db + "\">dep-db</a>)", "tcp/5432", "<td>30</td>",
                "payments-saas", "tcp/443", "not covered");
        assertThat(section(html, "connections")).contains("ESTABLISHED: 9", "TIME_WAIT: 4", "10.7.0.9:6379");
        // The peer's side: a downstream edge from a target of the fleet.
        assertThat(section(page(viewer, "/ui/targets/" + dbHost), "dependencies"))
                .contains("data-direction=\"downstream\"", "<a href=\"/ui/targets/" + webHost + "\">dep-web1</a>");
        // A target no agent reported on yet.
        String quiet = UUID.randomUUID().toString();
        api.put("/api/v1/targets/" + quiet, Map.of("hostname", "dep-quiet"), ADMIN);
        assertThat(section(page(viewer, "/ui/targets/" + quiet), "services")).contains("has not reported on this target yet");
    }

    @Test
    void theDependencyPageListsTheGraphsEdgesAndTheUncoveredForEveryone() {
        String html = page(viewer, "/ui/dependencies");
        assertThat(html).contains("aria-current=\"page\">Dependencies</a>", "data-graph=\"/api/v1/dependencies\"")
                .containsPattern("<script src=\"/ui/assets/cytoscape\\.[0-9a-f]{12}\\.js\"></script>")
                .containsPattern("<script src=\"/ui/assets/dependencies\\.[0-9a-f]{12}\\.js\"></script>");
        String edges = section(html, "edges-heading");
        assertThat(edges).contains("<a href=\"/ui/targets?group_id=" + web + "\">dep-web</a>",
                "<a href=\"/ui/targets?group_id=" + db + "\">dep-db</a>", "tcp/5432", "<td class=\"num\">30</td>", "payments-saas");
        // (tcp/5432 may be covered by now: another test makes its probe.)
        assertThat(section(html, "uncovered-heading")).contains("dep-web1", "payments-saas", "tcp/443")
                .doesNotContain("Create probe");
        // The picker lists the fleet graph's groups and narrows the page to one (a plain GET form: no script needed).
        assertThat(html).contains("<form method=\"get\" action=\"/ui/dependencies\"", "<select id=\"group-pick\" name=\"group_id\">",
                "<option value=\"" + web + "\">dep-web</option>", "<option value=\"" + db + "\">dep-db</option>");
        String narrowed = page(viewer, "/ui/dependencies?group_id=" + db);
        assertThat(narrowed).doesNotContain("group-pick").contains("<a href=\"/ui/dependencies\">The whole fleet</a>");
        assertThat(narrowed).contains("Dependencies of dep-db", "data-graph=\"/api/v1/dependencies?group_id=" + db + "\"");
        assertThat(section(narrowed, "edges-heading")).doesNotContain("payments-saas");
        assertThat(viewer.get(api, "/ui/dependencies?group_id=" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(page(viewer, "/ui/dependencies?group_id=nonsense")).contains("payments-saas");
    }

    @Test
    void anOperatorsCreateProbeButtonPostsAProbeThatCoversTheDependency() throws Exception {
        String html = page(operator, "/ui/dependencies?group_id=" + web);
        Matcher m = CREATE.matcher(section(html, "uncovered-heading"));
        String toDb = null;
        while (m.find()) {
            String body = unescape(m.group(1));
            if (body.contains("5432")) {
                toDb = body;
            }
        }
        assertThat(toDb).as("a create-probe button for web → db in " + html).isNotNull();
        Api.Reply made = operator.send(api, "POST", "/api/v1/probes", new ObjectMapper().readValue(toDb, Map.class));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String after = page(operator, "/ui/dependencies?group_id=" + web);
        assertThat(section(after, "uncovered-heading")).doesNotContain("tcp/5432").contains("tcp/443");
        assertThat(section(page(viewer, "/ui/targets/" + webHost), "dependencies"))
                .contains("<a href=\"/ui/probes/" + made.json().get("id").asText() + "\">probe</a>");
    }

    static String unescape(String attribute) {
        Matcher e = Pattern.compile("&#(\\d+);").matcher(attribute);
        StringBuilder out = new StringBuilder();
        while (e.find()) {
            e.appendReplacement(out, Matcher.quoteReplacement(Character.toString(Integer.parseInt(e.group(1)))));
        }
        e.appendTail(out);
        return out.toString().replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void valuesAreEscaped() {
        String evil = Fixtures.group(api, "<img src=x>");
        JsonNode h = enroll("dep-evil", evil, "10.7.0.3");
        report(h, List.of(edge("upstream", 5432, "10.7.0.2", 1)));
        String html = page(operator, "/ui/dependencies");
        assertThat(html).contains("&lt;img src=x&gt;").doesNotContain("<img");
    }
}
