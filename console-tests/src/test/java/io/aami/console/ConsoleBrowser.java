package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A test class's console under test: a real config-server in this JVM (port 0, a fresh real PostgreSQL database) and
 * one headless Chromium, both started before the class's first test and closed after its last:
 * {@code @RegisterExtension static final ConsoleBrowser console = ConsoleBrowser.start();}. The browser is skipped
 * for (not failed) when Chromium is not installed, see {@link Browser}. Heartbeats are short (1 s, offline after 3
 * missed), so an agent's stop shows within seconds.
 */
public final class ConsoleBrowser implements BeforeAllCallback, AfterAllCallback {
    /** A user made by {@link #user}; its password is long enough, varied, and does not contain its name. */
    public record Login(String name, String password, String role) {
    }

    /**
     * Long enough for a loaded machine (an agent JVM starting, a check run and its delivery, a 5 s poll: at load 14 that
     * chain once took more than 30 s); a condition met ends the wait at once.
     */
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> FAST_HEARTBEATS = Map.of("AAMI_HEARTBEAT_INTERVAL", "1s",
            "AAMI_HEARTBEAT_SWEEP_INTERVAL", "200ms", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "100ms");

    private final Map<String, String> env;
    private final AtomicInteger users = new AtomicInteger();
    private TestServer server;
    private Browser browser;

    private ConsoleBrowser(Map<String, String> env) {
        this.env = env;
    }

    public static ConsoleBrowser start() {
        return with(Map.of());
    }

    /** With {@code env} added to (or overriding) the test server's settings. */
    public static ConsoleBrowser with(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(FAST_HEARTBEATS);
        all.putAll(env);
        return new ConsoleBrowser(Map.copyOf(all));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Browser.assumeInstalled();
        server = TestServer.start(env);
        browser = Browser.start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    public TestServer server() {
        return server;
    }

    /** The server's API (use {@link TestServer#ADMIN} as the bearer to set things up). */
    public Api api() {
        return server.api();
    }

    public Browser browser() {
        return browser;
    }

    public ChromeDriver driver() {
        return browser.driver();
    }

    public String url(String path) {
        return server.baseUrl() + path;
    }

    /** Opens {@code path} (e.g. {@code /ui/login}) on the server. */
    public void open(String path) {
        driver().get(url(path));
    }

    /** A new enabled user with {@code role} (viewer, operator, admin), made with the admin token. */
    public Login user(String role) {
        Login login = new Login(role + "-" + users.incrementAndGet(), "Corr3ct horse battery staple", role);
        Api.Reply made = api().post("/api/v1/users", Map.of("name", login.name(), "role", role, "password", login.password()),
                TestServer.ADMIN);
        assertThat(made.status()).as("user %s made: %s", login.name(), made).isEqualTo(201);
        return login;
    }

    /**
     * Logs {@code login} in through the login page as a person would (no session before: the cookies are cleared) and
     * waits for the overview.
     */
    public void logIn(Login login) {
        driver().manage().deleteAllCookies();
        open("/ui/login");
        WebElement form = driver().findElement(By.id("login"));
        form.findElement(By.name("user")).sendKeys(login.name());
        form.findElement(By.name("password")).sendKeys(login.password());
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil("the overview after logging in as " + login.name(), d -> d.getCurrentUrl().equals(url("/ui")));
    }

    /**
     * Waits (up to 30 s) until {@code condition} holds in the browser; fails naming {@code what}. An element gone stale
     * meanwhile (the page reloaded after an action, as console.js does) is another try, not a failure. Chromium does not
     * always say "stale" for that: an element found just before the reload and read just after comes back as an
     * "unknown error" whose node "does not belong to the document" (a CI run failed on it), which is another try too.
     */
    public <T> T waitUntil(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver(), WAIT).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    try {
                        return condition.apply(d);
                    } catch (WebDriverException e) {
                        if (e instanceof StaleElementReferenceException || !goneWithTheReload(e)) {
                            throw e;
                        }
                        return null;
                    }
                });
    }

    private static boolean goneWithTheReload(WebDriverException e) {
        String message = e.getMessage();
        return message != null && message.contains("does not belong to the document");
    }

    /** The CSRF token the page shown now carries for its scripts (empty when it has none). */
    public String csrfToken() {
        Object token = driver().executeScript("""
                const meta = document.querySelector("meta[name=csrf-token]");
                if (meta) return meta.content;
                const holder = document.querySelector("[data-csrf]");
                return holder ? holder.dataset.csrf : "";""");
        return String.valueOf(token);
    }

    /**
     * What {@code fetch} answers in the page shown now: {@code method} on {@code path} with a JSON body and
     * {@code headers}, the browser's cookies sent as with any of the page's own requests. Returns "status code" (the
     * JSON error's code, empty for a success).
     */
    public String fetchFromPage(String method, String path, String jsonBody, Map<String, String> headers) {
        Object answer = driver().executeAsyncScript("""
                const [method, path, body, extra, done] = arguments;
                fetch(path, { method, body, credentials: "same-origin",
                              headers: Object.assign({ "Content-Type": "application/json" }, extra) })
                  .then(async r => done(r.status + " " + ((await r.json().catch(() => ({}))).code || "")))
                  .catch(e => done("failed " + e));""", method, path, jsonBody, headers);
        return String.valueOf(answer).trim();
    }

    /** Saves the page the test checked under target/screenshots/. */
    public void screenshot(String name) {
        browser.screenshot(name);
    }
}
