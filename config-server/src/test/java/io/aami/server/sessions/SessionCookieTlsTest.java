package io.aami.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Over TLS the session cookie is {@code Secure}: a browser never sends it over plain HTTP. */
class SessionCookieTlsTest {
    @Test
    void theCookieIsSecureWhenTheServerSpeaksTls() {
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            Api api = server.api();
            Fixtures.user(api, "tina", "viewer");
            Api.Reply in = api.post("/api/v1/login/session", Map.of("user", "tina", "password", Fixtures.PASSWORD), null);
            assertThat(in.status()).as(in.toString()).isEqualTo(201);
            assertThat(in.header("Set-Cookie").orElseThrow()).matches("aami_session=[a-z0-9]{40}; Path=/; Max-Age=43200; HttpOnly;"
                    + " SameSite=Strict; Secure");
            String id = in.header("Set-Cookie").orElseThrow().substring("aami_session=".length(), "aami_session=".length() + 40);
            Api.Reply out = api.send("DELETE", "/api/v1/login/session", null, null, "Cookie", "aami_session=" + id,
                    "X-CSRF-Token", in.json().get("csrf_token").asText());
            assertThat(out.status()).as(out.toString()).isEqualTo(204);
            assertThat(out.header("Set-Cookie").orElseThrow()).endsWith("; Secure");
        }
    }
}
