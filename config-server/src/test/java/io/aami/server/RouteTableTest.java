package io.aami.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.http.Access;
import io.aami.server.http.RouteTable;
import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one route table: what {@code routes} prints is what a started server serves, each route with one role. */
class RouteTableTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void theRoutesCommandPrintsTheTableTheRunningServerServes() throws Exception {
        String printed = routesCommand();
        List<RouteTable.Route> served = server.running().routes();

        assertThat(printed).isEqualTo(ServerMain.routeTable().format());
        List<String> lines = printed.lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("METHOD", "PATH", "ROLE");
        List<RouteTable.Route> parsed = lines.subList(1, lines.size()).stream().map(line -> line.trim().split("\\s+"))
                .map(f -> new RouteTable.Route(f[0], f[1], Access.valueOf(f[2]))).toList();
        assertThat(parsed).isEqualTo(served).hasSize(93);
        assertThat(Files.readString(Path.of("..", "README.md"))).as("the README's Routes section").contains(printed);
    }

    @Test
    void everyRouteHasExactlyOneRole() {
        List<RouteTable.Route> routes = server.running().routes();
        Set<String> seen = new HashSet<>();
        for (RouteTable.Route r : routes) {
            assertThat(r.access()).as(r.toString()).isNotNull();
            assertThat(seen.add(r.method() + " " + r.path())).as("listed twice: " + r).isTrue();
        }
    }

    @Test
    void knownRoutesHaveTheirRoles() {
        assertThat(server.running().routes()).contains(
                new RouteTable.Route("GET", "/health", Access.HEALTH),
                new RouteTable.Route("GET", "/ready", Access.HEALTH),
                new RouteTable.Route("GET", "/metrics", Access.METRICS_ACCESS),
                new RouteTable.Route("GET", "/api/v1/sd/prometheus", Access.MONITORING),
                new RouteTable.Route("GET", "/api/v1/ca", Access.PUBLIC),
                new RouteTable.Route("POST", "/api/v1/bootstrap-tokens/register", Access.ENROLL),
                new RouteTable.Route("DELETE", "/api/v1/groups/{id}", Access.OPERATOR),
                new RouteTable.Route("GET", "/api/v1/probes/matrix", Access.VIEWER),
                new RouteTable.Route("POST", "/api/v1/users", Access.ADMIN),
                new RouteTable.Route("GET", "/api/v1/audit", Access.ADMIN),
                new RouteTable.Route("POST", "/api/v1/me/tokens", Access.VIEWER),
                new RouteTable.Route("POST", "/api/v1/login/session", Access.PUBLIC),
                new RouteTable.Route("GET", "/ui", Access.VIEWER),
                new RouteTable.Route("GET", "/ui/login", Access.PUBLIC),
                new RouteTable.Route("GET", "/ui/targets", Access.VIEWER),
                new RouteTable.Route("GET", "/ui/targets/{id}", Access.VIEWER),
                new RouteTable.Route("GET", "/ui/dependencies", Access.VIEWER),
                new RouteTable.Route("POST", "/api/v1/targets/bulk", Access.OPERATOR),
                new RouteTable.Route("GET", "/api/v1/fleet/summary", Access.VIEWER),
                new RouteTable.Route("DELETE", "/api/v1/login/session", Access.VIEWER),
                new RouteTable.Route("GET", "/api/v1/checks/target/{id}", Access.AGENT),
                new RouteTable.Route("POST", "/api/v1/agents/{id}/heartbeat", Access.AGENT));
    }

    /** Each listed route is matched by the server, and those needing a credential refuse a request without one. */
    @Test
    void theServerEnforcesEachListedRole() {
        for (RouteTable.Route r : server.running().routes()) {
            String path = r.path().replace("{id}", UUID.randomUUID().toString()).replace("{token_id}", UUID.randomUUID().toString())
                    .replace("{name}", "console.css");
            Api.Reply reply = api.send(r.method(), path, null, null);
            assertThat(reply.body()).as(r + " → " + reply).doesNotContain("no route ");
            if (r.access() == Access.VIEWER || r.access() == Access.OPERATOR || r.access() == Access.ADMIN || r.access() == Access.AGENT
                    || r.access() == Access.MONITORING) {
                if (r.path().equals("/ui") || r.path().startsWith("/ui/")) {
                    // A console page sends a browser to log in rather than answer 401.
                    assertThat(reply.status()).as(r + " → " + reply).isEqualTo(303);
                    assertThat(reply.header("Location")).contains("/ui/login");
                } else {
                    assertThat(reply.status()).as(r + " → " + reply).isEqualTo(401);
                }
            } else if (r.access() != Access.METRICS_ACCESS) {
                assertThat(reply.status()).as(r + " → " + reply).isNotEqualTo(401);
            }
        }
    }

    /** Runs {@code ServerMain routes} as its own process (no database, no config). */
    private static String routesCommand() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), "routes");
        pb.environment().keySet().removeIf(k -> k.startsWith("AAMI_"));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
