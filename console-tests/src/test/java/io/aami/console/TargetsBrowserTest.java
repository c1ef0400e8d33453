package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The target list and target page in a real browser: search, filter, sort, bulk move, a real agent's result and chart. */
class TargetsBrowserTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();
    static String edge;
    static String core;
    static final List<String> ids = new ArrayList<>();

    @TempDir
    Path agentDir;

    @BeforeAll
    static void fleet() {
        edge = made("/api/v1/groups", Map.of("name", "edge")).get("id").asText();
        core = made("/api/v1/groups", Map.of("name", "core")).get("id").asText();
        for (int i = 0; i < 60; i++) {
            ids.add(made("/api/v1/targets", Map.of("hostname", "br-host-%02d".formatted(i), "group_id", i % 2 == 0 ? edge : core))
                    .get("id").asText());
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode made(String path, Map<String, Object> body) {
        Api.Reply r = console.api().post(path, body, TestServer.ADMIN);
        assertThat(r.status()).as("POST %s: %s", path, r).isEqualTo(201);
        return r.json();
    }

    private static List<String> hostnames() {
        return console.driver().findElements(By.cssSelector("#targets tbody tr[data-id] td a")).stream().map(WebElement::getText).toList();
    }

    @Test
    void searchFilterAndSortWorkFromTheControls() {
        console.logIn(console.user("viewer"));
        console.open("/ui/targets");
        console.driver().findElement(By.id("targets-q")).sendKeys("br-host-1");
        new Select(console.driver().findElement(By.id("targets-group"))).selectByVisibleText("edge");
        new Select(console.driver().findElement(By.id("targets-status"))).selectByVisibleText("pending");
        console.driver().findElement(By.cssSelector("form[role=search] button[type=submit]")).click();
        console.waitUntil("the filtered list", d -> d.getCurrentUrl().contains("q=br-host-1"));
        assertThat(hostnames()).containsExactly("br-host-10", "br-host-12", "br-host-14", "br-host-16", "br-host-18");
        console.driver().findElement(By.linkText("Hostname")).click();
        console.waitUntil("the list sorted descending", d -> d.getCurrentUrl().contains("dir=desc"));
        assertThat(hostnames()).containsExactly("br-host-18", "br-host-16", "br-host-14", "br-host-12", "br-host-10");
        assertThat(console.driver().findElement(By.id("targets-q")).getAttribute("value")).isEqualTo("br-host-1");
        console.screenshot("list-searched");
        Axe.assertAccessible(console.driver(), "the target list");

        // Only this class's 60 (another test enrolls an agent).
        console.open("/ui/targets?q=br-host");
        assertThat(hostnames()).hasSize(50);
        console.driver().findElement(By.linkText("Next page")).click();
        console.waitUntil("the second page", d -> hostnames().size() == 10);
        assertThat(hostnames()).first().isEqualTo("br-host-50");
        try {
            PageLayout.narrow(console.driver(), PageLayout.NARROW);
            console.open("/ui/targets");
            console.screenshot("list-narrow");
            PageLayout.assertNoHorizontalScroll(console.driver(), "the target list");
        } finally {
            PageLayout.reset(console.driver());
        }
    }

    @Test
    void anOperatorMovesSelectedTargetsAfterConfirming() {
        console.logIn(console.user("operator"));
        console.open("/ui/targets?q=br-host-0");
        console.driver().findElement(By.cssSelector("input[aria-label='Select br-host-02']")).click();
        console.driver().findElement(By.cssSelector("input[aria-label='Select br-host-04']")).click();
        new Select(console.driver().findElement(By.id("bulk-action"))).selectByVisibleText("Move to group");
        new Select(console.driver().findElement(By.id("bulk-group"))).selectByVisibleText("core");
        console.screenshot("bulk-selected");
        Axe.assertAccessible(console.driver(), "the target list as an operator");
        console.driver().findElement(By.cssSelector("#bulk button[type=submit]")).click();
        var alert = console.waitUntil("the confirmation", ExpectedConditions.alertIsPresent());
        assertThat(alert.getText()).isEqualTo("Move 2 target(s) to group core?");
        alert.accept();
        console.waitUntil("both moved", d -> group(ids.get(2)).equals(core) && group(ids.get(4)).equals(core));
        assertThat(group(ids.get(6))).isEqualTo(edge);
        console.waitUntil("the page reloaded", d -> d.findElements(By.cssSelector("#targets tbody tr")).size() == 10);
        console.screenshot("bulk-moved");

        // Cancelled: nothing moves.
        console.driver().findElement(By.cssSelector("input[aria-label='Select br-host-06']")).click();
        console.driver().findElement(By.cssSelector("#bulk button[type=submit]")).click();
        console.waitUntil("the confirmation", ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(group(ids.get(6))).isEqualTo(edge);
    }

    private static String group(String id) {
        return console.api().get("/api/v1/targets/" + id, TestServer.ADMIN).json().get("group_id").asText();
    }

    @Test
    void theTargetPageShowsARealAgentsCheckResultAndItsChart() throws Exception {
        made("/api/v1/checks", Map.of("name", "hello", "interpreter", "sh", "script", "echo 'hello <from> agent'",
                "interval_seconds", 2, "timeout_seconds", 1, "global", true));
        console.logIn(console.user("viewer"));
        try (AgentProcess agent = AgentProcess.start(console.server(), agentDir)) {
            UUID id = agent.id();
            try {
                // The id file comes before the enrollment: until then the history is a 404.
                console.waitUntil("two results of the check", d -> {
                    var history = console.api().get("/api/v1/targets/" + id + "/check-results?limit=2", TestServer.ADMIN).json();
                    return history.isArray() && history.size() >= 2;
                });
            } catch (RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
            }
            console.open("/ui/targets/" + id);
            assertThat(console.driver().findElements(By.cssSelector("pre.output"))).as(console.driver().getPageSource()).isNotEmpty();
            assertThat(console.driver().findElement(By.cssSelector("pre.output")).getText()).isEqualTo("hello <from> agent");
            WebElement figure = console.driver().findElement(By.cssSelector("figure[data-kind=check]"));
            console.waitUntil("the chart drawn", d -> !figure.findElements(By.cssSelector(".plot canvas")).isEmpty());
            assertThat(figure.findElement(By.tagName("figcaption")).getText()).containsPattern("\\d+ results in 24 h: \\d+ ok");
            assertThat(console.driver().findElements(By.cssSelector("[data-method], [data-confirm]"))).as("a viewer's controls").isEmpty();
            console.driver().executeScript("arguments[0].scrollIntoView()", figure);
            console.screenshot("detail-agent");
            Axe.assertAccessible(console.driver(), "the target page");
            try {
                PageLayout.narrow(console.driver(), PageLayout.NARROW);
                console.open("/ui/targets/" + id);
                console.waitUntil("the chart drawn", d -> !d.findElements(By.cssSelector("figure[data-kind=check] .plot canvas")).isEmpty());
                console.screenshot("detail-narrow");
                PageLayout.assertNoHorizontalScroll(console.driver(), "the target page");
            } finally {
                PageLayout.reset(console.driver());
            }
        }
    }
}
