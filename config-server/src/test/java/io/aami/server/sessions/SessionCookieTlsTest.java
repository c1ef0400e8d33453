package io.aami.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Over TLS the session cookie is {@code Secure} and named {@code __Host-aami_session} (a browser never sends it over
 * plain HTTP, and nobody can plant one from plain HTTP or a sibling domain), the plain name is not read, and the login
 * routes and console pages carry {@code Strict-Transport-Security}.
 */
class SessionCookieTlsTest {
    static final String NAME = "__Host-aami_session=";

    @Test
    void theCookieIsSecureAndHostBoundWhenTheServerSpeaksTls() {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            Api api = server.api();
            Fixtures.user(api, "tina", "viewer");
            Api.Reply in = api.post("/api/v1/login/session", Map.of("user", "tina", "password", Fixtures.PASSWORD), null);
            assertThat(in.status()).as(in.toString()).isEqualTo(201);
            assertThat(in.header("Set-Cookie").orElseThrow()).matches("__Host-aami_session=[a-z0-9]{40}; Path=/; Max-Age=43200; HttpOnly;"
                    + " SameSite=Strict; Secure");
            assertThat(in.header("Strict-Transport-Security")).contains("max-age=31536000");
            String id = in.header("Set-Cookie").orElseThrow().substring(NAME.length(), NAME.length() + 40);
            String csrf = in.json().get("csrf_token").asText();
            assertThat(api.send("GET", "/api/v1/me", null, null, "Cookie", "aami_session=" + id).status())
                    .as("over HTTPS the plain name is not read").isEqualTo(401);
            Api.Reply page = api.send("GET", "/ui/login", null, null);
            assertThat(page.header("Strict-Transport-Security")).contains("max-age=31536000");
            assertThat(page.body()).doesNotContain("plain-http-warning");
            assertThat(api.get("/health", null).header("Strict-Transport-Security")).as("only the console and login").isEmpty();

            Api.Reply out = api.send("DELETE", "/api/v1/login/session", null, null, "Cookie", NAME + id, "X-CSRF-Token", csrf);
            assertThat(out.status()).as(out.toString()).isEqualTo(204);
            assertThat(out.header("Set-Cookie").orElseThrow()).startsWith(NAME + ";").endsWith("; Secure");
        }
    }
}
