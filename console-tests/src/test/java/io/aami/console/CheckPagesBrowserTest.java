package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The check and probe pages in a real browser with a real agent: a refused interval shown at its field, the fixed
 * check's result from the agent on the check's page, a failing probe cell red and opening its pair with the reason;
 * a process check made in the form (a bad regex at its field, then its match on its page and in its edit form);
 * axe on every page, and no sideways scroll in a 400 px window.
 */
class CheckPagesBrowserTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    static final Duration AGENT_WAIT = Duration.ofSeconds(120);

    @TempDir
    Path agentDir;

    @Test
    void aBadIntervalIsShownAtItsFieldAndTheFixedCheckShowsTheRealAgentsResult() throws Exception {
        try (AgentProcess agent = AgentProcess.start(console.server(), agentDir)) {
            UUID agentId = agent.id();
            console.logIn(console.user("operator"));
            console.open("/ui/checks/new");
            WebElement form = console.driver().findElement(By.id("new-check"));
            form.findElement(By.name("name")).sendKeys("browser-disk");
            form.findElement(By.name("script")).sendKeys("echo disk full; exit 2");
            WebElement interval = form.findElement(By.name("interval_seconds"));
            interval.clear();
            interval.sendKeys("0");
            WebElement timeout = form.findElement(By.name("timeout_seconds"));
            timeout.clear();
            timeout.sendKeys("1");
            form.findElement(By.cssSelector("button[type=submit]")).click();

            WebElement error = console.waitUntil("the refused interval shown next to its field",
                    d -> d.findElements(By.id("new-check-interval_seconds-error")).stream().findFirst().orElse(null));
            console.screenshot("bad-interval");
            assertThat(error.getText()).contains("between 1 and");
            assertThat(interval.getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(interval.getAttribute("aria-describedby")).isEqualTo(error.getAttribute("id"));
            assertThat((Boolean) console.driver().executeScript(
                    "return arguments[0].previousElementSibling === arguments[1]", error, interval)).as("right after the field").isTrue();
            assertThat(console.driver().getCurrentUrl()).isEqualTo(console.url("/ui/checks/new"));

            interval.clear();
            interval.sendKeys("5");
            timeout.clear();
            timeout.sendKeys("4");
            form.findElement(By.cssSelector("button[type=submit]")).click();
            console.waitUntil("the created check's page", d -> d.getCurrentUrl().matches(".*/ui/checks/[0-9a-f-]{36}$"));
            assertThat(console.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Check browser-disk");

            try {
                // A real agent on a shared machine: its first run may take a while.
                new WebDriverWait(console.driver(), AGENT_WAIT).withMessage("the agent's failing result on the check's page").until(d -> {
                    d.navigate().refresh();
                    return !d.findElements(By.cssSelector("#failing a[href='/ui/targets/" + agentId + "']")).isEmpty()
                            && d.findElement(By.cssSelector("[data-status=critical]")).getText().equals("1");
                });
            } catch (RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
            }
            assertThat(console.driver().findElement(By.cssSelector("[data-status=critical]")).getText()).isEqualTo("1");
            assertThat(console.driver().findElement(By.id("failing")).getText()).contains("critical", "disk full");
            console.screenshot("agent-result");
            Axe.assertAccessible(console.driver(), "a check's page");
        }
    }

    @Test
    void aProcessCheckMadeInTheFormShowsABadRegexAtItsFieldAndOnceFixedItsMatchWhichItsEditFormChanges() {
        console.logIn(console.user("operator"));
        console.open("/ui/checks/new");
        WebElement form = console.driver().findElement(By.id("new-check"));
        form.findElement(By.name("name")).sendKeys("browser-sshd");
        WebElement script = form.findElement(By.name("script"));
        assertThat(script.isDisplayed()).isTrue();
        // The kind by keyboard: arrow keys move a radio group's choice.
        form.findElement(By.id("new-check-kind-script")).sendKeys(Keys.ARROW_DOWN);
        assertThat(form.findElement(By.id("new-check-kind-process")).isSelected()).isTrue();
        assertThat(script.isDisplayed()).as("the script hidden for a process check").isFalse();
        assertThat(script.isEnabled()).as("and not sent").isFalse();
        WebElement regex = form.findElement(By.name("process.name_regex"));
        assertThat(regex.isDisplayed()).isTrue();
        regex.sendKeys("(sshd");
        form.findElement(By.name("process.max_count")).sendKeys("4");
        Axe.assertAccessible(console.driver(), "the new-check form, kind process");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement error = console.waitUntil("the refused regex shown next to its field",
                d -> d.findElements(By.id("new-check-process-name_regex-error")).stream().findFirst().orElse(null));
        console.screenshot("bad-process-regex");
        assertThat(error.getText()).contains("not a valid regular expression");
        assertThat(regex.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(regex.getAttribute("aria-describedby")).isEqualTo(error.getAttribute("id"));
        assertThat((Boolean) console.driver().executeScript(
                "return arguments[0].previousElementSibling === arguments[1]", error, regex)).as("right after the field").isTrue();
        Axe.assertAccessible(console.driver(), "the new-check form with an error");

        regex.clear();
        regex.sendKeys("^sshd$");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        console.waitUntil("the created check's page", d -> d.getCurrentUrl().matches(".*/ui/checks/[0-9a-f-]{36}$"));
        assertThat(console.driver().findElement(By.id("check-kind")).getText()).isEqualTo("process");
        assertThat(console.driver().findElement(By.tagName("main")).getText()).contains("^sshd$");
        assertThat(console.driver().findElement(By.id("process-count")).getText()).isEqualTo("at least 1, at most 4");

        // Its edit form edits the match and keeps the kind.
        WebElement edit = console.driver().findElement(By.id("edit-check"));
        WebElement max = edit.findElement(By.name("process.max_count"));
        max.clear();
        max.sendKeys("2");
        edit.findElement(By.cssSelector("button[type=submit]")).click();
        console.waitUntil("the saved match", d -> d.findElement(By.id("process-count")).getText().equals("at least 1, at most 2"));
        assertThat(console.driver().findElement(By.id("check-kind")).getText()).isEqualTo("process");
        Axe.assertAccessible(console.driver(), "a process check's page");
    }

    @Test
    void aFailingProbeCellIsRedAndOpensThePairWithItsReason() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (AgentProcess agent = AgentProcess.start(console.server(), agentDir)) {
            UUID agentId = agent.id();
            new WebDriverWait(console.driver(), AGENT_WAIT).withMessage("the agent's target").until(
                    d -> console.api().get("/api/v1/targets/" + agentId, TestServer.ADMIN).status() == 200);
            Api.Reply probe = console.api().post("/api/v1/probes", Map.of("name", "browser-closed", "target", "127.0.0.1",
                    "target_port", closed, "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 2,
                    "target_id", agentId.toString()), TestServer.ADMIN);
            assertThat(probe.status()).as(probe.toString()).isEqualTo(201);
            console.logIn(console.user("viewer"));
            WebElement cell;
            try {
                cell = new WebDriverWait(console.driver(), AGENT_WAIT).withMessage("a failing cell in the matrix").until(d -> {
                    d.get(console.url("/ui/matrix"));
                    return d.findElements(By.cssSelector("a.cell.failing")).stream().findFirst().orElse(null);
                });
            } catch (RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nagent log:\n" + agent.log(), e);
            }
            assertThat(cell.getText()).contains("1 failing");
            assertThat(cell.getCssValue("background-color")).isEqualTo("rgba(164, 14, 38, 1)");
            console.screenshot("matrix");
            Axe.assertAccessible(console.driver(), "the probe matrix");

            cell.click();
            console.waitUntil("the cell's failing pairs", d -> d.getCurrentUrl().contains("/ui/matrix/pairs?"));
            String pairs = console.driver().findElement(By.id("failing-pairs")).getText();
            assertThat(pairs).contains("127.0.0.1", closed + "/TCP", "browser-closed", "refused");
            console.screenshot("pairs");
            Axe.assertAccessible(console.driver(), "a matrix cell's failing pairs");
        }
    }

    @Test
    void theCheckAndProbePagesAreAccessibleAndFitANarrowWindow() {
        Api api = console.api();
        String check = api.post("/api/v1/checks", Map.of("name", "axe-check", "interpreter", "sh", "script", "true",
                "interval_seconds", 60, "timeout_seconds", 10, "global", true, "env", Map.of("TOKEN", "x")), TestServer.ADMIN)
                .json().get("id").asText();
        String probe = api.post("/api/v1/probes", Map.of("name", "axe-probe", "target", "192.0.2.1", "target_port", 22,
                "protocol", "TCP", "interval_seconds", 60, "global", true), TestServer.ADMIN).json().get("id").asText();
        console.logIn(console.user("operator"));
        for (String path : new String[] {"/ui/checks", "/ui/checks/new", "/ui/checks/" + check, "/ui/probes", "/ui/probes/new",
                "/ui/probes/" + probe, "/ui/matrix"}) {
            console.open(path);
            Axe.assertAccessible(console.driver(), path);
        }
        try {
            PageLayout.narrow(console.driver(), PageLayout.NARROW);
            for (String path : new String[] {"/ui/checks", "/ui/checks/" + check, "/ui/probes/new"}) {
                console.open(path);
                console.screenshot("narrow" + path.replace('/', '-'));
                PageLayout.assertNoHorizontalScroll(console.driver(), path);
            }
        } finally {
            PageLayout.reset(console.driver());
        }
    }
}
