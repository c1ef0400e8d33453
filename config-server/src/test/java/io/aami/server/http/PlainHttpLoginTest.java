package io.aami.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.RawHttp;
import io.aami.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code http.plain_http_login} besides its default ({@code loopback}, in {@link TrustedProxiesTest}): {@code refuse}
 * turns away a password over plain HTTP even from this host; {@code allow} takes it from anywhere (a lab).
 */
class PlainHttpLoginTest {
    static String login(String name) {
        return "{\"user\":\"" + name + "\",\"password\":\"" + Fixtures.PASSWORD + "\"}";
    }

    @Test
    void refuseTurnsAwayEvenThisHost() {
        try (TestServer server = TestServer.start(Map.of("AAMI_HTTP_PLAIN_HTTP_LOGIN", "refuse"))) {
            Fixtures.user(server.api(), "xena", "viewer");
            Api.Reply in = server.api().post("/api/v1/login/session", Map.of("user", "xena", "password", Fixtures.PASSWORD), null);
            assertThat(in.status()).as(in.toString()).isEqualTo(403);
            assertThat(in.json().get("code").asText()).isEqualTo("INSECURE_TRANSPORT");
            assertThat(in.header("Set-Cookie")).isEmpty();
            assertThat(server.api().get("/ui/login", null).body()).contains("refuses passwords sent over plain HTTP");
        }
    }

    @Test
    void allowTakesAPasswordFromBehindAPlainProxy() {
        try (TestServer server = TestServer.start(Map.of("AAMI_HTTP_PLAIN_HTTP_LOGIN", "allow", "AAMI_HTTP_TRUSTED_PROXIES", "127.0.0.2"))) {
            Fixtures.user(server.api(), "yara", "viewer");
            Api.Reply in = RawHttp.send("127.0.0.2", server.port(), "POST", "/api/v1/login/session", login("yara"),
                    "X-Forwarded-For", "203.0.113.9");
            assertThat(in.status()).as(in.toString()).isEqualTo(201);
            assertThat(in.header("Set-Cookie").orElseThrow()).startsWith("aami_session=").doesNotContain("Secure");
        }
    }
}
