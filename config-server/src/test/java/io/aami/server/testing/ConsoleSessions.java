package io.aami.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Pattern;

/** Console tests' shared steps: a browser session for a user, a page fetched with it, and what every page must hold. */
public final class ConsoleSessions {
    /** A logged-in browser: its cookie header value ({@code aami_session=…}) and CSRF token. */
    public record Session(String cookie, String csrf) {
        /** GET {@code path} as this browser. */
        public Api.Reply get(Api api, String path) {
            return api.send("GET", path, null, null, "Cookie", cookie);
        }

        /** A write as this browser, with its CSRF token. */
        public Api.Reply send(Api api, String method, String path, Object body) {
            return api.send(method, path, body, null, "Cookie", cookie, "X-CSRF-Token", csrf);
        }
    }

    private ConsoleSessions() {
    }

    /** Logs {@code user} (made by {@link Fixtures#user}, password {@link Fixtures#PASSWORD}) in. */
    public static Session login(Api api, String user) {
        Api.Reply in = api.post("/api/v1/login/session", Map.of("user", user, "password", Fixtures.PASSWORD), null);
        assertThat(in.status()).as(in.toString()).isEqualTo(201);
        return new Session(in.header("Set-Cookie").orElseThrow().split(";")[0], in.json().get("csrf_token").asText());
    }

    /** What the CSP asks of every page: scripts only from the console's assets, nothing from another origin. */
    public static void assertNoInlineScriptNorOtherOrigin(String html) {
        assertThat(Pattern.compile("<script(?![^>]*\\ssrc=\"/ui/assets/)").matcher(html).find()).as("inline script in " + html).isFalse();
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("style=")
                .doesNotContainPattern("<[^>]*\\son[a-z]+\\s*=");
    }
}
