package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every console page an admin reaches (one of each kind; admins see every page) passes axe-core with no serious or
 * critical violation and does not scroll sideways in a 400 px window; so do the error pages. Pages added later are found through the
 * navigation, so they are checked without a test of their own.
 */
class EveryPageTest {
    private static final int MAX_PAGES = 25;

    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    @BeforeAll
    static void aFleetToLookAt() {
        String group = made("/api/v1/groups", Map.of("name", "web")).get("id").asText();
        made("/api/v1/targets", Map.of("hostname", "a-rather-long-host-name-for-a-narrow-window.eu-west-1.example.internal",
                "group_id", group));
        made("/api/v1/checks", Map.of("name", "disk", "interpreter", "sh", "script", "df -P / | awk 'NR==2 {print $5}'",
                "interval_seconds", 60, "timeout_seconds", 10, "global", true));
        made("/api/v1/probes", Map.of("name", "web-http", "protocol", "tcp", "target_group_id", group, "target_port", 443,
                "interval_seconds", 30, "group_id", group));
        made("/api/v1/bootstrap-tokens", Map.of("name", "rollout", "max_uses", 5));
    }

    @Test
    void everyPageIsAccessibleAndFitsANarrowWindow() {
        console.logIn(console.user("admin"));
        List<String> visited = ConsoleCrawl.visit(console, MAX_PAGES, path -> {
            console.screenshot("page-" + path);
            Axe.assertAccessible(console.driver(), path);
            try {
                PageLayout.narrow(console.driver(), PageLayout.NARROW);
                assertThat(PageLayout.viewportWidth(console.driver())).isEqualTo(PageLayout.NARROW);
                console.screenshot("narrow-" + path);
                PageLayout.assertNoHorizontalScroll(console.driver(), path);
            } finally {
                PageLayout.reset(console.driver());
            }
        });
        assertThat(visited).contains("/ui", "/ui/dependencies");
    }

    /** The error pages: an id of nothing, a malformed id, a page that does not exist, an admin page a viewer asked for. */
    @Test
    void errorPagesAreAccessibleToo() {
        console.logIn(console.user("viewer"));
        for (String path : List.of("/ui/targets/" + java.util.UUID.randomUUID(), "/ui/checks/not-an-id", "/ui/no-such-page", "/ui/users")) {
            console.open(path);
            assertThat(console.driver().findElement(org.openqa.selenium.By.cssSelector("[data-error-code]")).getText())
                    .as(path).isNotBlank();
            console.screenshot("error-" + path);
            Axe.assertAccessible(console.driver(), path);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode made(String path, Map<String, Object> body) {
        Api.Reply r = console.api().post(path, body, TestServer.ADMIN);
        assertThat(r.status()).as("POST %s: %s", path, r).isEqualTo(201);
        return r.json();
    }
}
