package io.aami.server.http;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.RawHttp;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code http.trusted_proxies} on real sockets: {@code 127.0.0.2} plays a listed reverse proxy, {@code 127.0.0.1} and
 * {@code 127.0.0.3} unlisted peers (Linux routes all of 127/8 to loopback). X-Forwarded-For and X-Forwarded-Proto count
 * only from the listed one, and the one client address they resolve to is what the audit log, the login limits and a
 * bootstrap token's {@code allowed_cidrs} see; X-Forwarded-Proto: https makes the session cookie Secure and
 * {@code __Host-}.
 */
class TrustedProxiesTest {
    static final String PROXY = "127.0.0.2";
    static final String DIRECT = "127.0.0.1";
    static final String XFF = "X-Forwarded-For";
    static final String XFP = "X-Forwarded-Proto";

    /** Stands still: the login limits refill with time, and a loaded machine takes seconds for 20 Argon2 runs. */
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HTTP_TRUSTED_PROXIES", "127.0.0.2/32, 10.0.0.0/8"), clock);
    static final Api api = server.api();

    static Api.Reply send(String from, String method, String path, String body, String... headers) {
        return RawHttp.send(from, server.running().port(), method, path, body, headers);
    }

    /** The address the audit log records for a change made from {@code from} with {@code headers}. */
    static String audited(String from, String... headers) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + ADMIN));
        h.addAll(List.of(headers));
        Api.Reply made = send(from, "POST", "/api/v1/groups", "{\"name\":\"g-" + UUID.randomUUID() + "\"}", h.toArray(String[]::new));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        JsonNode rows = api.get("/api/v1/audit?object=" + made.json().get("id").asText(), ADMIN).json();
        return rows.get(0).get("source_address").asText();
    }

    static String login(String name) {
        return "{\"user\":\"" + name + "\",\"password\":\"" + Fixtures.PASSWORD + "\"}";
    }

    @Test
    void forwardedHeadersFromAPeerNotListedAreIgnored() {
        assertThat(audited(DIRECT, XFF, "203.0.113.9")).isEqualTo(DIRECT);
        Fixtures.user(api, "uma", "viewer");
        Api.Reply in = send(DIRECT, "POST", "/api/v1/login/session", login("uma"), XFF, "203.0.113.9", XFP, "https");
        assertThat(in.status()).as(in.toString()).isEqualTo(201);
        assertThat(in.header("Set-Cookie").orElseThrow()).startsWith("aami_session=").doesNotContain("Secure");
        assertThat(in.header("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aListedProxyNamesItsClientAndItsScheme() {
        assertThat(audited(PROXY, XFF, "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(audited(PROXY)).as("no header: the proxy itself").isEqualTo(PROXY);

        Fixtures.user(api, "vera", "viewer");
        Api.Reply in = send(PROXY, "POST", "/api/v1/login/session", login("vera"), XFF, "203.0.113.9", XFP, "https");
        assertThat(in.status()).as(in.toString()).isEqualTo(201);
        String cookie = in.header("Set-Cookie").orElseThrow();
        assertThat(cookie).matches("__Host-aami_session=[a-z0-9]{40}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure");
        assertThat(in.header("Strict-Transport-Security")).contains("max-age=31536000");
        String id = cookie.substring("__Host-aami_session=".length(), "__Host-aami_session=".length() + 40);
        assertThat(send(PROXY, "GET", "/api/v1/me", null, XFP, "https", "Cookie", "__Host-aami_session=" + id).status())
                .isEqualTo(200);
        assertThat(send(PROXY, "GET", "/api/v1/me", null, XFP, "https", "Cookie", "aami_session=" + id).status())
                .as("over HTTPS only the __Host- name is read").isEqualTo(401);
        assertThat(send(PROXY, "GET", "/api/v1/me", null, "Cookie", "__Host-aami_session=" + id).status())
                .as("over plain HTTP only the plain name is read").isEqualTo(401);
        assertThat(send(PROXY, "GET", "/ui/login", null, XFP, "https").header("Strict-Transport-Security")).contains("max-age=31536000");
        assertThat(send(PROXY, "GET", "/ui/login", null, XFP, "http").header("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aChainIsReadFromTheRightUpToTheFirstAddressThatIsNoTrustedProxy() {
        assertThat(audited(PROXY, XFF, "198.51.100.1, 203.0.113.9, 10.1.2.3")).isEqualTo("203.0.113.9");
        assertThat(audited(PROXY, XFF, "198.51.100.1", XFF, "203.0.113.10, 10.1.2.3")).as("header lines in order").isEqualTo("203.0.113.10");
        assertThat(audited(PROXY, XFF, "10.9.9.9, 10.1.2.3")).as("all proxies: the farthest").isEqualTo("10.9.9.9");
        assertThat(audited(PROXY, XFF, "unknown, 10.1.2.3")).as("not an address: the hop after it").isEqualTo("10.1.2.3");
        assertThat(audited(PROXY, XFF, "[2001:db8::7]:443")).isEqualTo("[2001:db8:0:0:0:0:0:7]");
        assertThat(audited(PROXY, XFF, "203.0.113.11:5123")).isEqualTo("203.0.113.11");
    }

    @Test
    void loginLimitsCountTheResolvedClient() {
        for (int i = 0; i < 20; i++) {
            assertThat(send(PROXY, "POST", "/api/v1/login/tokens", wrongLogin(), XFF, "198.51.100.20", XFP, "https").status())
                    .isEqualTo(401);
        }
        Api.Reply limited = send(PROXY, "POST", "/api/v1/login/tokens", wrongLogin(), XFF, "198.51.100.20", XFP, "https");
        assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isPresent();
        assertThat(send(PROXY, "POST", "/api/v1/login/tokens", wrongLogin(), XFF, "198.51.100.21", XFP, "https").status())
                .as("another client behind the same proxy").isEqualTo(401);

        // An unlisted peer (127.0.0.3) cannot escape its address's limit by writing a new X-Forwarded-For each time.
        for (int i = 0; i < 20; i++) {
            assertThat(send("127.0.0.3", "POST", "/api/v1/login/tokens", wrongLogin(), XFF, "198.51.100." + (100 + i)).status())
                    .isEqualTo(401);
        }
        assertThat(send("127.0.0.3", "POST", "/api/v1/login/tokens", wrongLogin(), XFF, "198.51.100.99").status()).isEqualTo(429);
    }

    static String wrongLogin() {
        return "{\"user\":\"nobody-" + UUID.randomUUID() + "\",\"password\":\"wrong password here\",\"name\":\"t\"}";
    }

    @Test
    void aBootstrapTokensNetworksAreCheckedAgainstTheResolvedClient() {
        String token = Fixtures.bootstrapToken(api, 5, Map.of("allowed_cidrs", List.of("203.0.113.0/24")));
        String body = "{\"token\":\"" + token + "\",\"hostname\":\"h\",\"ip_address\":\"127.0.0.1\"}";
        Api.Reply spoofed = send(DIRECT, "POST", "/api/v1/bootstrap-tokens/register", body, XFF, "203.0.113.9");
        assertThat(spoofed.status()).as(spoofed.toString()).isEqualTo(403);
        assertThat(spoofed.json().get("code").asText()).isEqualTo("SOURCE_NOT_ALLOWED");
        Api.Reply proxied = send(PROXY, "POST", "/api/v1/bootstrap-tokens/register", body, XFF, "203.0.113.9");
        assertThat(proxied.status()).as(proxied.toString()).isEqualTo(201);
        JsonNode uses = api.get("/api/v1/bootstrap-tokens/" + token.substring(5, 11) + "/uses", ADMIN).json();
        List<String> sources = new ArrayList<>();
        uses.forEach(u -> sources.add(u.get("source_ip").asText()));
        assertThat(sources).containsExactlyInAnyOrder(DIRECT, "203.0.113.9");
    }

    @Test
    void aPasswordOverPlainHttpIsRefusedUnlessItComesStraightFromThisHost() {
        Fixtures.user(api, "wanda", "viewer");
        for (String path : List.of("/api/v1/login/session", "/api/v1/login/tokens")) {
            String body = path.endsWith("tokens") ? login("wanda").replace("}", ",\"name\":\"t\"}") : login("wanda");
            Api.Reply plain = send(PROXY, "POST", path, body, XFF, "203.0.113.9");
            assertThat(plain.status()).as(path + ": " + plain).isEqualTo(403);
            assertThat(plain.json().get("code").asText()).isEqualTo("INSECURE_TRANSPORT");
            assertThat(plain.json().get("error").asText()).contains("HTTPS", "http.trusted_proxies");
            assertThat(send(PROXY, "POST", path, body, XFF, "203.0.113.9", XFP, "https, http").status())
                    .as("every hop must have been HTTPS").isEqualTo(403);
            assertThat(send(PROXY, "POST", path, body, XFF, "203.0.113.9", XFP, "https").status()).isEqualTo(201);
        }
        assertThat(send(DIRECT, "POST", "/api/v1/login/session", login("wanda")).status()).as("straight from loopback").isEqualTo(201);

        assertThat(send(PROXY, "GET", "/ui/login", null, XFF, "203.0.113.9").body()).contains("id=\"plain-http-warning\"",
                "refuses passwords sent over plain HTTP");
        assertThat(send(DIRECT, "GET", "/ui/login", null).body()).contains("id=\"plain-http-warning\"").doesNotContain("refuses");
        assertThat(send(PROXY, "GET", "/ui/login", null, XFF, "203.0.113.9", XFP, "https").body()).doesNotContain("plain-http-warning");
    }
}
