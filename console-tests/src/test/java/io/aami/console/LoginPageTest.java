package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The login page in a real browser: logging in, a refused password, the keyboard alone, a narrow window, axe. */
class LoginPageTest {
    @RegisterExtension
    static final ConsoleBrowser console = ConsoleBrowser.start();

    @Test
    void anOperatorLogsInThroughTheLoginPageAndSeesTheOverview() {
        ConsoleBrowser.Login alice = console.user("operator");
        console.open("/ui");
        console.waitUntil("a page without a session sends the browser to the login page",
                d -> d.getCurrentUrl().equals(console.url("/ui/login")));
        console.logIn(alice);
        assertThat(console.driver().findElement(By.tagName("h1")).getText()).isEqualTo("Fleet");
        assertThat(console.driver().findElement(By.tagName("header")).getText()).contains(alice.name());
        assertThat(console.driver().manage().getCookieNamed("aami_session").isHttpOnly()).isTrue();
        console.screenshot("logged-in");
    }

    @Test
    void aWrongPasswordIsRefusedWithAVisibleMessage() {
        ConsoleBrowser.Login bob = console.user("viewer");
        console.driver().manage().deleteAllCookies();
        console.open("/ui/login");
        WebElement form = console.driver().findElement(By.id("login"));
        form.findElement(By.name("user")).sendKeys(bob.name());
        form.findElement(By.name("password")).sendKeys("not " + bob.password());
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement error = console.waitUntil("the refusal shown", d -> {
            WebElement e = d.findElement(By.id("login-error"));
            return e.isDisplayed() && !e.getText().isBlank() ? e : null;
        });
        console.screenshot("wrong-password");
        assertThat(error.getAttribute("role")).as("the refusal is announced to screen readers (role=alert)").isEqualTo("alert");
        assertThat(error.getText()).doesNotContain(bob.password());
        assertThat(console.driver().getCurrentUrl()).isEqualTo(console.url("/ui/login"));
        assertThat(console.driver().manage().getCookieNamed("aami_session")).isNull();
    }

    @Test
    void theLoginFormIsFilledAndSentWithTheKeyboardAlone() {
        ConsoleBrowser.Login carol = console.user("viewer");
        console.driver().manage().deleteAllCookies();
        console.open("/ui/login");
        WebElement user = console.driver().findElement(By.name("user"));
        WebElement password = console.driver().findElement(By.name("password"));
        Actions keys = new Actions(console.driver());
        for (int i = 0; i < 10 && !user.equals(console.driver().switchTo().activeElement()); i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertThat(console.driver().switchTo().activeElement()).as("Tab reaches the user field").isEqualTo(user);
        assertThat(Keyboard.focusIndicator(console.driver(), user)).as("the focused field shows it has the focus").isTrue();
        keys.sendKeys(carol.name()).sendKeys(Keys.TAB).perform();
        assertThat(console.driver().switchTo().activeElement()).as("the next Tab reaches the password").isEqualTo(password);
        keys.sendKeys(carol.password()).perform();
        console.screenshot("keyboard");
        keys.sendKeys(Keys.ENTER).perform();
        console.waitUntil("Enter in the password field logs in", d -> d.getCurrentUrl().equals(console.url("/ui")));
    }

    @Test
    void theLoginPageIsAccessible() {
        console.driver().manage().deleteAllCookies();
        console.open("/ui/login");
        console.screenshot("axe");
        Axe.assertAccessible(console.driver(), "the login page");
    }

    @Test
    void theLoginPageDoesNotScrollSidewaysInANarrowWindow() {
        console.driver().manage().deleteAllCookies();
        try {
            PageLayout.narrow(console.driver(), PageLayout.NARROW);
            console.open("/ui/login");
            assertThat(PageLayout.viewportWidth(console.driver())).isEqualTo(PageLayout.NARROW);
            console.screenshot("narrow");
            PageLayout.assertNoHorizontalScroll(console.driver(), "the login page");
        } finally {
            PageLayout.reset(console.driver());
        }
    }
}
