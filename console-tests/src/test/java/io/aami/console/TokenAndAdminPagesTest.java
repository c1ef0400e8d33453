package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The pages of tokens, users and the audit log in a real browser: a new bootstrap token's and a new API token's secret
 * shown exactly once (gone on reload, never in the page's source, a URL or the browser's storage), then revoked from
 * the page; a viewer offered no control on the bootstrap-token pages; axe and a 400 px window on every page.
 */
class TokenAndAdminPagesTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    @Test
    void aNewBootstrapTokensSecretIsShownOnceWithItsInstallLineAndTheTokenIsRevokedFromThePage() {
        console.logIn(console.user("operator"));
        console.open("/ui/bootstrap-tokens");
        WebElement form = driver().findElement(By.id("create-token"));
        form.findElement(By.name("name")).sendKeys("browser-rollout");
        WebElement uses = form.findElement(By.name("max_uses"));
        uses.clear();
        uses.sendKeys("3");
        new Select(form.findElement(By.name("ttl_seconds"))).selectByVisibleText("1 day");
        form.findElement(By.name("labels")).sendKeys("env=prod");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        String token = shownSecret();
        assertThat(token).matches("aami_[a-z0-9]{6}\\.[a-z0-9]{32}");
        assertThat(driver().findElement(By.id("install-command")).getText())
                .startsWith("sudo ./install-agent.sh --server ").contains(" --token - --ca-pin ").doesNotContain(token);
        Axe.assertAccessible(driver(), "the bootstrap tokens page with a new secret");
        console.screenshot("bootstrap-secret-once");
        driver().findElement(By.cssSelector("button[data-copy=token-secret-value]")).click();
        console.waitUntil("the copy is confirmed or the text selected for Ctrl+C",
                d -> !d.findElement(By.id("status")).getText().isBlank());

        driver().navigate().refresh();
        assertSecretGone(token, "browser-rollout");
        console.screenshot("bootstrap-after-reload");

        driver().findElement(By.cssSelector("button[aria-label='Revoke token browser-rollout']")).click();
        driver().switchTo().alert().accept();
        console.waitUntil("the list shows the token revoked", d -> rowText("browser-rollout").contains("revoked"));
        assertThat(console.api().get("/api/v1/bootstrap-tokens/" + token.substring(5, 11), TestServer.ADMIN).json()
                .get("revoked").asBoolean()).isTrue();
        console.screenshot("bootstrap-revoked");
    }

    @Test
    void aNewApiTokensSecretIsShownOnceAndTheTokenIsRevokedFromThePage() {
        console.logIn(console.user("viewer"));
        console.open("/ui/tokens");
        WebElement form = driver().findElement(By.id("create-token"));
        form.findElement(By.name("name")).sendKeys("laptop-script");
        new Select(form.findElement(By.name("ttl_seconds"))).selectByVisibleText("1 hour");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        String token = shownSecret();
        assertThat(token).startsWith("aami_u_");
        Axe.assertAccessible(driver(), "my API tokens with a new secret");
        console.screenshot("api-token-secret-once");
        driver().navigate().refresh();
        assertSecretGone(token, "laptop-script");

        driver().findElement(By.cssSelector("button[aria-label='Revoke token laptop-script']")).click();
        driver().switchTo().alert().accept();
        console.waitUntil("the list shows the token revoked", d -> rowText("laptop-script").contains("revoked"));
        assertThat(console.api().get("/api/v1/me", token).status())
                .as("the revoked token no longer works").isEqualTo(401);
        console.screenshot("api-token-revoked");
    }

    @Test
    void aViewerIsOfferedNoControlOnTheBootstrapTokenPagesAndOnlyItsOwnTokensOnItsTokenPage() {
        String token = console.api().post("/api/v1/bootstrap-tokens", Map.of("name", "viewer-looks", "max_uses", 2),
                TestServer.ADMIN).json().get("id").asText();
        console.logIn(console.user("viewer"));
        for (String path : List.of("/ui/bootstrap-tokens", "/ui/bootstrap-tokens/" + token)) {
            console.open(path);
            assertThat(driver().findElement(By.tagName("main")).getText()).contains("viewer-looks");
            ReadOnlyPage.assertNoWriteControls(driver(), path + " as a viewer");
            console.screenshot("viewer-" + path);
        }
        // Its own tokens are the one thing a viewer changes (the API's VIEWER writes): every control there says so.
        console.open("/ui/tokens");
        for (WebElement e : driver().findElements(By.cssSelector("[data-api]"))) {
            assertThat(e.getAttribute("data-api")).startsWith("/api/v1/me/tokens");
        }
    }

    @Test
    void everyPageOfTokensUsersAndTheAuditLogIsAccessibleAndFitsANarrowWindow() {
        String group = console.api().post("/api/v1/groups", Map.of("name", "axe-group"), TestServer.ADMIN).json().get("id").asText();
        String token = console.api().post("/api/v1/bootstrap-tokens", Map.of("name", "axe-token", "max_uses", 1, "group_id", group),
                TestServer.ADMIN).json().get("id").asText();
        ConsoleBrowser.Login admin = console.user("admin");
        String userId = console.api().get("/api/v1/users", TestServer.ADMIN).json().findValues("id").get(0).asText();
        console.logIn(admin);
        console.api().put("/api/v1/groups/" + group, Map.of("name", "axe-group-2"), TestServer.ADMIN);
        for (String path : List.of("/ui/bootstrap-tokens", "/ui/bootstrap-tokens/" + token, "/ui/tokens", "/ui/users",
                "/ui/users/" + userId, "/ui/audit", "/ui/audit?since=yesterday")) {
            console.open(path);
            Axe.assertAccessible(driver(), path);
            try {
                PageLayout.narrow(driver(), PageLayout.NARROW);
                console.open(path);
                console.screenshot("narrow-" + path);
                PageLayout.assertNoHorizontalScroll(driver(), path);
            } finally {
                PageLayout.reset(driver());
            }
        }
        console.open("/ui/audit?object=group");
        assertThat(driver().findElement(By.cssSelector("tr.changed mark")).getText()).isEqualTo("axe-group-2");
    }

    /** The secret the page's script shows after the POST, once it is there. */
    private static String shownSecret() {
        return console.waitUntil("the new secret shown", d -> {
            WebElement panel = d.findElement(By.id("token-secret"));
            String text = d.findElement(By.id("token-secret-value")).getText();
            return panel.isDisplayed() && text.startsWith("aami_") ? text : null;
        });
    }

    /** After a reload: the row is there, the secret nowhere (source, URL, storage), its panel hidden and empty. */
    private static void assertSecretGone(String token, String name) {
        console.waitUntil("the list after the reload", d -> d.getPageSource().contains(name));
        String secret = token.substring(Math.max(token.lastIndexOf('.'), token.lastIndexOf('_')) + 1);
        assertThat(driver().getPageSource()).doesNotContain(token).doesNotContain(secret);
        assertThat(driver().getCurrentUrl()).doesNotContain(secret);
        assertThat(driver().findElement(By.id("token-secret")).isDisplayed()).isFalse();
        assertThat(driver().findElement(By.id("token-secret-value")).getText()).isEmpty();
        assertThat(console.driver().executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))
                .isEqualTo("{}{}");
    }

    /** The text of the row naming {@code name}, or "" while there is none (the page is reloading after an action). */
    private static String rowText(String name) {
        return driver().findElements(By.cssSelector("main tbody tr")).stream().map(WebElement::getText).filter(t -> t.contains(name))
                .findFirst().orElse("");
    }

    private static ChromeDriver driver() {
        return console.driver();
    }
}
