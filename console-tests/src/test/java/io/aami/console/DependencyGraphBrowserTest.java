package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The dependency page in a real browser: the group graph drawn by Cytoscape.js from the API (a canvas, one node per
 * group or outside address), a group node leading to its targets, an operator's create-probe button making the
 * probe, and the page passing axe.
 */
class DependencyGraphBrowserTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();
    static String web;
    static String db;

    @BeforeAll
    static void fleet() {
        web = made("/api/v1/groups", Map.of("name", "graph-web")).get("id").asText();
        db = made("/api/v1/groups", Map.of("name", "graph-db")).get("id").asText();
        JsonNode w = enroll("graph-web1", web, "10.8.0.1");
        JsonNode d = enroll("graph-db1", db, "10.8.0.2");
        report(w, List.of(edge("upstream", 5432, "10.8.0.2", 40), edge("upstream", 443, "198.51.100.20", 3)));
        report(d, List.of(edge("downstream", 5432, "10.8.0.1", 40)));
    }

    private static JsonNode made(String path, Map<String, Object> body) {
        Api.Reply r = console.api().post(path, body, TestServer.ADMIN);
        assertThat(r.status()).as("POST %s: %s", path, r).isEqualTo(201);
        return r.json();
    }

    private static JsonNode enroll(String hostname, String group, String ip) {
        String token = made("/api/v1/bootstrap-tokens", Map.of("name", hostname, "max_uses", 1, "group_id", group)).get("token").asText();
        Api.Reply r = console.api().post("/api/v1/bootstrap-tokens/register", Map.of("token", token, "hostname", hostname,
                "ip_address", ip), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static Map<String, Object> edge(String direction, int port, String remote, long count) {
        return Map.of("direction", direction, "protocol", "tcp", "process", "app", "port", port, "remote_address", remote, "count", count);
    }

    private static void report(JsonNode agent, List<Map<String, Object>> edges) {
        Map<String, Object> r = Map.of("seq", 1, "kind", "full", "scanned_at", Instant.now().toString(), "partial", false,
                "truncated", false, "state_totals", Map.of(), "services", List.of(), "edges", edges, "states", List.of());
        Api.Reply ack = console.api().post("/api/v1/agents/" + agent.get("agent_id").asText() + "/discovery",
                Map.of("results", List.of(r)), agent.get("agent_token").asText());
        assertThat(ack.status()).as(ack.toString()).isEqualTo(200);
    }

    private static WebElement drawnGraph() {
        console.open("/ui/dependencies");
        return console.waitUntil("the graph drawn", d -> {
            WebElement g = d.findElement(By.id("graph"));
            return "true".equals(g.getAttribute("data-drawn")) ? g : null;
        });
    }

    @Test
    void theGraphIsDrawnAccessibleAndAGroupLeadsToItsTargets() {
        console.logIn(console.user("viewer"));
        WebElement graph = drawnGraph();
        // graph-web, graph-db and the address outside the fleet.
        assertThat(graph.getAttribute("data-nodes")).isEqualTo("3");
        assertThat(graph.getAttribute("data-edges")).isEqualTo("2");
        assertThat(graph.findElements(By.tagName("canvas"))).isNotEmpty();
        assertThat(console.driver().findElements(By.cssSelector("#edges tr[data-edge]"))).hasSize(2);
        assertThat(console.driver().findElements(By.cssSelector("button[data-api='/api/v1/probes']"))).as("a viewer's buttons").isEmpty();
        console.screenshot("dependencies");
        Axe.assertAccessible(console.driver(), "/ui/dependencies");

        // A real click on the node of graph-db, where Cytoscape drew it.
        // In view first, and Cytoscape told so (it caches where its container is on the page).
        Map<?, ?> at = (Map<?, ?>) console.driver().executeScript("arguments[0].scrollIntoView({block: 'center'});"
                + "const cy = arguments[0].aamiGraph; cy.resize();"
                + "const p = cy.getElementById(arguments[1]).renderedPosition(); return {x: p.x, y: p.y};", graph, db);
        int dx = (int) Math.round(((Number) at.get("x")).doubleValue() - graph.getRect().getWidth() / 2.0);
        int dy = (int) Math.round(((Number) at.get("y")).doubleValue() - graph.getRect().getHeight() / 2.0);
        new Actions(console.driver()).moveToElement(graph, dx, dy).click().perform();
        console.waitUntil("graph-db's targets", d -> d.getCurrentUrl().endsWith("/ui/targets?group_id=" + db));
    }

    @Test
    void anOperatorMakesTheProbeOfAnUncoveredDependency() {
        console.logIn(console.user("operator"));
        drawnGraph();
        List<WebElement> buttons = console.driver().findElements(By.cssSelector("#uncovered button[data-api='/api/v1/probes']"));
        assertThat(buttons).hasSize(2);
        WebElement toDb = buttons.stream().filter(b -> b.getAttribute("data-body").contains("5432")).findFirst().orElseThrow();
        toDb.click();
        console.waitUntil("one uncovered dependency left",
                d -> d.findElements(By.cssSelector("#uncovered button[data-api='/api/v1/probes']")).size() == 1);
        JsonNode probes = console.api().get("/api/v1/probes", TestServer.ADMIN).json();
        assertThat(probes.toString()).contains("observed graph-web to graph-db tcp/5432");
    }
}
