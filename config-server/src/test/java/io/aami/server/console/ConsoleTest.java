package io.aami.server.console;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's pages, assets and summary on a real server and PostgreSQL: headers, redirects, what a page holds. */
class ConsoleTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none';"
            + " form-action 'self'; base-uri 'none'";

    static void hardened(Api.Reply r, boolean page) {
        assertThat(r.header("Content-Security-Policy")).as(r.toString()).contains(CSP);
        assertThat(r.header("X-Frame-Options")).contains("DENY");
        assertThat(r.header("Referrer-Policy")).contains("no-referrer");
        assertThat(r.header("X-Content-Type-Options")).contains("nosniff");
        if (page) {
            assertThat(r.header("Cache-Control")).contains("no-store");
        }
    }

    @Test
    void theRootSendsToTheConsoleAndAPageWithoutSessionToTheLoginPage() {
        Api.Reply root = api.get("/", null);
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.header("Location")).contains("/ui");
        Api.Reply page = api.get("/ui", null);
        assertThat(page.status()).as(page.toString()).isEqualTo(303);
        assertThat(page.header("Location")).contains("/ui/login");
        hardened(page, true);
        Api.Reply expired = api.send("GET", "/ui", null, null, "Cookie", "aami_session=" + "a".repeat(40));
        assertThat(expired.header("Location")).contains("/ui/login");
        // An API route keeps answering JSON.
        assertThat(api.get("/api/v1/fleet/summary", null).status()).isEqualTo(401);
        hardened(api.get("/ui/nothing-here", null), true);
    }

    @Test
    void theLoginPageIsAFormWithNoInlineScriptAndNoOtherOrigin() {
        Api.Reply login = api.get("/ui/login", null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Content-Type").orElseThrow()).startsWith("text/html");
        hardened(login, true);
        assertThat(login.body()).contains("<form id=\"login\" method=\"post\"", "name=\"password\" type=\"password\"",
                "<label for=\"login-password\">Password</label>");
        assertThat(login.body()).containsPattern("<script src=\"/ui/assets/login\\.[0-9a-f]{12}\\.js\"></script>")
                .doesNotContain("<nav");
        assertNoInlineScriptNorOtherOrigin(login.body());
    }

    @Test
    void theOverviewShowsTheFleetAndTheSessionsCsrfToken() {
        Fixtures.user(api, "vera", "viewer");
        Fixtures.enroll(api, "console-host", null);
        Api.Reply in = api.post("/api/v1/login/session", Map.of("user", "vera", "password", Fixtures.PASSWORD), null);
        String cookie = in.header("Set-Cookie").orElseThrow().split(";")[0];
        Api.Reply page = api.send("GET", "/ui", null, null, "Cookie", cookie);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        hardened(page, true);
        assertThat(page.body()).contains("vera <span class=\"role\">(viewer)</span>",
                "<body data-csrf=\"" + in.json().get("csrf_token").asText() + "\"", "<a href=\"/ui\" aria-current=\"page\">Overview</a>",
                "<a href=\"/ui/targets\">Targets</a>")
                .containsPattern("<script src=\"/ui/assets/overview\\.[0-9a-f]{12}\\.js\"></script>")
                // A viewer is not shown the admin's pages.
                .doesNotContain("/ui/users").doesNotContain("/ui/audit");
        Matcher online = Pattern.compile("data-count=\"targets.online\">(\\d+)<").matcher(page.body());
        assertThat(online.find()).isTrue();
        assertThat(online.group(1)).isEqualTo("1");
        assertNoInlineScriptNorOtherOrigin(page.body());

        Api.Reply summary = api.send("GET", "/api/v1/fleet/summary", null, null, "Cookie", cookie);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.json().get("targets").get("online").asLong()).isEqualTo(1);
        assertThat(summary.json().get("targets").get("revoked").asLong()).isZero();
        assertThat(summary.json().get("checks").get("critical").asLong()).isZero();
        assertThat(api.get("/api/v1/fleet/summary", ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/ui", ADMIN).body()).contains("<a href=\"/ui/users\">Users</a>", "<a href=\"/ui/audit\">Audit log</a>");
    }

    @Test
    void assetsAreLinkedByAHashOfTheirContentAndKeptForAYear() throws Exception {
        String page = api.get("/ui/login", null).body();
        Matcher link = Pattern.compile("href=\"(/ui/assets/console\\.([0-9a-f]{12})\\.css)\"").matcher(page);
        assertThat(link.find()).as(page).isTrue();
        Api.Reply css = api.get(link.group(1), null);
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Cache-Control")).contains("public, max-age=31536000, immutable");
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(css.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(java.util.HexFormat.of().formatHex(sha, 0, 6)).isEqualTo(link.group(2));
        // A stale hash is not served from a newer build's content.
        assertThat(api.get("/ui/assets/console.000000000000.css", null).status()).isEqualTo(404);
        Api.Reply plain = api.get("/ui/assets/console.css", null);
        assertThat(plain.header("Cache-Control")).contains("public, max-age=300");
        // The vendored chart library is served from its webjar.
        Api.Reply uplot = api.get("/ui/assets/uplot.js", null);
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
    }

    @Test
    void onlyTheListedAssetsAreServed() {
        Api.Reply js = api.get("/ui/assets/overview.js", null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(js.body()).contains("/api/v1/fleet/summary");
        assertThat(api.get("/ui/assets/console.js", null).body()).contains("X-CSRF-Token", "X-AAMI-Poll");
        hardened(js, false);
        assertThat(api.get("/ui/assets/console.css", null).header("Content-Type").orElseThrow()).startsWith("text/css");
        for (String path : new String[] {"/ui/assets/nope.js", "/ui/assets/..%2Flogback.xml", "/ui/assets/%2E%2E%2Fconsole.css"}) {
            Api.Reply r = api.get(path, null);
            assertThat(r.status()).as(path + " " + r).isIn(400, 404);
        }
    }
}
