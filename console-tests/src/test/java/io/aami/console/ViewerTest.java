package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A viewer in the console: offered nothing that changes the fleet on any page it can reach, and a write it forges from
 * its own page (with its CSRF token) refused by the server all the same; without the token refused as a CSRF failure.
 */
class ViewerTest {
    /** Bound on the pages visited: list pages, and one detail page of each kind through them. */
    private static final int MAX_PAGES = 30;

    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    @BeforeAll
    static void aFleetToLookAt() {
        // Something on every list, so their rows (and any per-row buttons) are drawn.
        String group = made("/api/v1/groups", Map.of("name", "web")).get("id").asText();
        made("/api/v1/targets", Map.of("hostname", "web-1.example", "group_id", group));
        made("/api/v1/checks", Map.of("name", "disk", "interpreter", "sh", "script", "echo fine",
                "interval_seconds", 60, "timeout_seconds", 10, "global", true));
        made("/api/v1/probes", Map.of("name", "web-http", "protocol", "tcp", "target_group_id", group, "target_port", 443,
                "interval_seconds", 30, "group_id", group));
        made("/api/v1/bootstrap-tokens", Map.of("name", "rollout", "max_uses", 5));
    }

    private static com.fasterxml.jackson.databind.JsonNode made(String path, Map<String, Object> body) {
        io.aami.server.testing.Api.Reply r = console.api().post(path, body, TestServer.ADMIN);
        assertThat(r.status()).as("POST %s: %s", path, r).isEqualTo(201);
        return r.json();
    }

    @Test
    void aViewerIsOfferedNoControlThatChangesAnythingOnAnyPageItReaches() {
        console.logIn(console.user("viewer"));
        List<String> visited = new ArrayList<>();
        Deque<String> next = new ArrayDeque<>(List.of("/ui"));
        Set<String> seen = new LinkedHashSet<>(next);
        while (!next.isEmpty() && visited.size() < MAX_PAGES) {
            String path = next.removeFirst();
            console.open(path);
            visited.add(path);
            console.screenshot("viewer-" + path);
            ReadOnlyPage.assertNoWriteControls(console.driver(), path + " as a viewer");
            for (String link : consoleLinks()) {
                if (seen.add(link)) {
                    next.addLast(link);
                }
            }
        }
        assertThat(visited).contains("/ui");
    }

    @Test
    void aWriteForgedFromTheViewersOwnPageWithItsCsrfTokenIsForbidden() {
        String body = "{\"name\":\"forged\"}";
        console.logIn(console.user("operator"));
        assertThat(console.fetchFromPage("POST", "/api/v1/groups", body.replace("forged", "by-operator"),
                Map.of("X-CSRF-Token", console.csrfToken()))).as("the same request from an operator's page").isEqualTo("201");

        console.logIn(console.user("viewer"));
        String csrf = console.csrfToken();
        assertThat(csrf).as("the viewer's page carries its CSRF token").isNotEmpty();
        assertThat(console.fetchFromPage("POST", "/api/v1/groups", body, Map.of("X-CSRF-Token", csrf))).isEqualTo("403 FORBIDDEN");
        assertThat(console.fetchFromPage("DELETE", "/api/v1/groups/00000000-0000-0000-0000-000000000000", null,
                Map.of("X-CSRF-Token", csrf))).isEqualTo("403 FORBIDDEN");
        console.screenshot("forged-write");
        assertThat(console.api().get("/api/v1/groups", TestServer.ADMIN).body()).doesNotContain("\"forged\"");
    }

    @Test
    void aWriteWithoutTheCsrfTokenIsRefusedAsSuch() {
        console.logIn(console.user("viewer"));
        assertThat(console.fetchFromPage("POST", "/api/v1/groups", "{\"name\":\"no-token\"}", Map.of()))
                .isEqualTo("403 CSRF_TOKEN_INVALID");
        // A write the viewer's role allows (its own API tokens): refused for the missing token alone.
        assertThat(console.fetchFromPage("POST", "/api/v1/me/tokens", "{\"name\":\"no-token\"}", Map.of()))
                .isEqualTo("403 CSRF_TOKEN_INVALID");
        assertThat(console.fetchFromPage("POST", "/api/v1/me/tokens", "{\"name\":\"wrong-token\"}",
                Map.of("X-CSRF-Token", "x" + console.csrfToken()))).isEqualTo("403 CSRF_TOKEN_INVALID");
        console.screenshot("no-csrf");
    }

    /** The console pages the page shown now links to (paths under /ui but assets and login), without query. */
    @SuppressWarnings("unchecked")
    private static List<String> consoleLinks() {
        return (List<String>) console.driver().executeScript("""
                const out = [];
                for (const a of document.querySelectorAll("a[href]")) {
                  const u = new URL(a.href, location.href);
                  if (u.origin === location.origin && (u.pathname === "/ui" || u.pathname.startsWith("/ui/"))
                      && !u.pathname.startsWith("/ui/assets/") && u.pathname !== "/ui/login") out.push(u.pathname);
                }
                return out;""");
    }
}
