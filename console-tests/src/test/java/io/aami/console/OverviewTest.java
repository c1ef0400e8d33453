package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The fleet overview in a real browser: live counts from a real agent, accessible, and fit for a narrow window. */
class OverviewTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    @TempDir
    Path agentDir;

    @Test
    void theOverviewFollowsAnAgentGoingOnlineAndOfflineWithoutAReload() throws Exception {
        console.logIn(console.user("viewer"));
        try (AgentProcess agent = AgentProcess.start(console.server(), agentDir)) {
            agent.id();
            // A mark the page loses if it is loaded again: the counts must change in this very page.
            console.driver().executeScript("window.aamiNotReloaded = true");
            awaitCount("online", "1", agent);
            assertThat(count("offline")).isEqualTo("0");
            console.screenshot("agent-online");

            agent.stop();
            awaitCount("offline", "1", agent);
            assertThat(count("online")).isEqualTo("0");
            assertThat(console.driver().executeScript("return window.aamiNotReloaded === true"))
                    .as("the page was not reloaded").isEqualTo(true);
            console.screenshot("agent-offline");
        }
    }

    @Test
    void theOverviewIsAccessible() {
        console.logIn(console.user("operator"));
        console.screenshot("axe");
        Axe.assertAccessible(console.driver(), "the fleet overview");
    }

    @Test
    void theOverviewDoesNotScrollSidewaysInANarrowWindow() {
        console.logIn(console.user("admin"));
        try {
            PageLayout.narrow(console.driver(), PageLayout.NARROW);
            console.open("/ui");
            // A page taller than the window has a vertical scrollbar, which takes its width (15 px) from the viewport.
            assertThat(PageLayout.viewportWidth(console.driver())).isBetween((long) PageLayout.NARROW - 20, (long) PageLayout.NARROW);
            console.screenshot("narrow");
            PageLayout.assertNoHorizontalScroll(console.driver(), "the fleet overview");
        } finally {
            PageLayout.reset(console.driver());
        }
    }

    @Test
    void theOverviewIsUsableWithTheKeyboard() {
        console.logIn(console.user("viewer"));
        console.open("/ui");
        WebElement logout = console.driver().findElement(By.id("logout"));
        List<WebElement> stops = Keyboard.tabTo(console.driver(), logout, 30);
        assertThat(stops.get(0).getDomProperty("textContent")).as("the first Tab reaches the skip link (shown: tabTo checks)").isEqualTo("Skip to content");
        assertThat(stops).as("every navigation link is reached by Tab")
                .containsAll(console.driver().findElements(By.cssSelector("header nav a")));
        console.screenshot("keyboard");
        new Actions(console.driver()).sendKeys(Keys.ENTER).perform();
        console.waitUntil("Enter on the focused Log out logs out", d -> d.getCurrentUrl().equals(console.url("/ui/login")));
        assertThat(console.driver().manage().getCookieNamed("aami_session")).isNull();
    }

    private static String count(String status) {
        return console.driver().findElement(By.cssSelector("[data-count='targets." + status + "']")).getText().trim();
    }

    private static void awaitCount(String status, String expected, AgentProcess agent) {
        try {
            console.waitUntil("the overview shows " + expected + " " + status, d -> count(status).equals(expected));
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
        }
    }
}
