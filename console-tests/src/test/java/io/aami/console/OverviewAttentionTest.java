package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The overview's "needs a look" counts in a real browser: a real agent's check result (every 5 s, delivered every 5 s:
 * fresh for 2 intervals and its timeout) is fresh while it runs; once the
 * agent stops, the same page (not reloaded) shows the result stale, its box marked, and stays accessible.
 */
class OverviewAttentionTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    @TempDir
    Path agentDir;

    @Test
    void aStoppedAgentsResultTurnsStaleOnTheOpenOverview() throws Exception {
        Api.Reply check = console.api().post("/api/v1/checks", Map.of("name", "alive", "interpreter", "sh", "script", "exit 0",
                "interval_seconds", 5, "timeout_seconds", 1, "global", true), TestServer.ADMIN);
        assertThat(check.status()).as(check.toString()).isEqualTo(201);
        console.logIn(console.user("viewer"));
        try (AgentProcess agent = AgentProcess.start(console.server(), agentDir)) {
            agent.id();
            console.driver().executeScript("window.aamiNotReloaded = true");
            await("the check's result", "checks.ok", "1", agent);
            assertThat(count("stale.checks")).isEqualTo("0");
            assertThat(box("stale.checks").getAttribute("class")).doesNotContain("alert");
            console.screenshot("fresh");

            agent.stop();
            await("the stopped agent's result stale", "stale.checks", "1", agent);
            assertThat(box("stale.checks").getAttribute("class")).contains("alert");
            assertThat(console.driver().executeScript("return window.aamiNotReloaded === true")).as("the page was not reloaded")
                    .isEqualTo(true);
            console.screenshot("stale");
            Axe.assertAccessible(console.driver(), "the overview with a stale result");
        }
    }

    private static String count(String key) {
        return console.driver().findElement(By.cssSelector("[data-count='" + key + "']")).getText().trim();
    }

    private static WebElement box(String key) {
        return console.driver().findElement(By.xpath("//*[@data-count='" + key + "']/ancestor::div[contains(@class,'count')]"));
    }

    private static void await(String what, String key, String expected, AgentProcess agent) {
        try {
            console.waitUntil("the overview shows " + what + " (" + key + " = " + expected + ")", d -> count(key).equals(expected));
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
        }
    }
}
