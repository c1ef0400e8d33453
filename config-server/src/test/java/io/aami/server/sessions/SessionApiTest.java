package io.aami.server.sessions;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.security.Secrets;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's browser sessions against a real server and PostgreSQL: cookie, CSRF, timeouts, disabled users, limits. */
class SessionApiTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();
    static final Pattern COOKIE = Pattern.compile("aami_session=([a-z0-9]{40}); Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");

    /** A logged-in session: the cookie's id and the CSRF token the login answered. */
    record Login(String id, String csrf, String userId) {
        String[] cookie() {
            return new String[] {"Cookie", "aami_session=" + id};
        }

        String[] cookieAndCsrf() {
            return new String[] {"Cookie", "aami_session=" + id, "X-CSRF-Token", csrf};
        }
    }

    static Login login(String name, String role) {
        String userId = Fixtures.user(api, name, role);
        Api.Reply r = api.post("/api/v1/login/session", Map.of("user", name, "password", Fixtures.PASSWORD), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        Matcher m = COOKIE.matcher(r.header("Set-Cookie").orElseThrow());
        assertThat(m.matches()).as(r.header("Set-Cookie").orElseThrow()).isTrue();
        return new Login(m.group(1), r.json().get("csrf_token").asText(), userId);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void loginSetsAHardenedCookieAndTheSessionActsAsTheUser() throws SQLException {
        String name = unique("olga");
        Login s = login(name, "operator");
        Api.Reply me = api.send("GET", "/api/v1/me", null, null, s.cookie());
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().get("name").asText()).isEqualTo(name);
        Api.Reply current = api.send("GET", "/api/v1/login/session", null, null, s.cookie());
        assertThat(current.json().get("csrf_token").asText()).isEqualTo(s.csrf());
        assertThat(current.json().get("role").asText()).isEqualTo("operator");
        assertThat(current.header("Cache-Control")).contains("no-store");
        // The database holds the id's SHA-256 only: a leaked row is no cookie.
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT secret_sha256, s::text FROM sessions s WHERE user_id = ?")) {
            ps.setObject(1, UUID.fromString(s.userId()));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isEqualTo(Secrets.sha256(s.id()));
                assertThat(rs.getString(2)).doesNotContain(s.id()).doesNotContain(s.csrf());
            }
        }
        Api.Reply dead = api.send("GET", "/api/v1/me", null, null, "Cookie", "aami_session=" + "x".repeat(40));
        assertThat(dead.status()).isEqualTo(401);
        assertThat(dead.header("Set-Cookie")).as("a dead cookie is cleared").contains("aami_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        assertThat(api.send("GET", "/api/v1/me", null, null, "Cookie", "aami_session=short").status()).isEqualTo(401);
    }

    @Test
    void aWriteWithTheCookieNeedsTheCsrfToken() {
        Login s = login(unique("carl"), "operator");
        for (String[] headers : List.of(s.cookie(), new String[] {"Cookie", "aami_session=" + s.id(), "X-CSRF-Token", s.csrf() + "x"},
                new String[] {"Cookie", "aami_session=" + s.id(), "X-CSRF-Token", ""})) {
            Api.Reply refused = api.send("POST", "/api/v1/groups", Map.of("name", unique("g")), null, headers);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("CSRF_TOKEN_INVALID");
        }
        Api.Reply made = api.send("POST", "/api/v1/groups", Map.of("name", unique("g")), null, s.cookieAndCsrf());
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        // A form sends it as a field.
        Api.Reply wrongField = api.send("POST", "/api/v1/me/tokens", "csrf_token=nope", null, "Content-Type",
                "application/x-www-form-urlencoded", "Cookie", "aami_session=" + s.id());
        assertThat(wrongField.status()).as(wrongField.toString()).isEqualTo(403);
        Api.Reply rightField = api.send("POST", "/api/v1/me/tokens", "csrf_token=" + s.csrf(), null, "Content-Type",
                "application/x-www-form-urlencoded", "Cookie", "aami_session=" + s.id());
        assertThat(rightField.status()).as("past CSRF, the JSON route refuses the form body: " + rightField).isEqualTo(400);
        // A bearer token is never sent by a browser on its own: it needs no CSRF token.
        assertThat(api.post("/api/v1/groups", Map.of("name", unique("g")), ADMIN).status()).isEqualTo(201);
    }

    @Test
    void aSessionEndsWhenIdleAndWhenTooOld() {
        Login idle = login(unique("ida"), "viewer");
        clock.advance(Duration.ofMinutes(29));
        assertThat(me(idle)).isEqualTo(200);
        clock.advance(Duration.ofMinutes(29));
        assertThat(me(idle)).as("used 29 minutes ago").isEqualTo(200);
        clock.advance(Duration.ofMinutes(30));
        assertThat(me(idle)).as("idle 30 minutes").isEqualTo(401);
        clock.advance(Duration.ofMinutes(-30));
        assertThat(me(idle)).as("an ended session is deleted, not only refused").isEqualTo(401);
        clock.advance(Duration.ofMinutes(30));

        Login old = login(unique("abe"), "viewer");
        for (int i = 0; i < 12 * 3 - 1; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(me(old)).as("after %d minutes", (i + 1) * 20).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(20));
        assertThat(me(old)).as("12 hours after login, however used").isEqualTo(401);
    }

    @Test
    void backgroundPollsDoNotKeepASessionAlive() {
        Login s = login(unique("polly"), "viewer");
        String[] poll = {"Cookie", "aami_session=" + s.id(), "X-AAMI-Poll", "1"};
        for (int minutes = 5; minutes < 30; minutes += 5) {
            clock.advance(Duration.ofMinutes(5));
            assertThat(api.send("GET", "/api/v1/fleet/summary", null, null, poll).status()).as("poll at %d min", minutes).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(5));
        assertThat(api.send("GET", "/api/v1/fleet/summary", null, null, poll).status())
                .as("the console left open 30 minutes: idle however often it polled").isEqualTo(401);

        Login used = login(unique("ursula"), "viewer");
        clock.advance(Duration.ofMinutes(20));
        assertThat(me(used)).as("a page load or write is use").isEqualTo(200);
        clock.advance(Duration.ofMinutes(20));
        assertThat(api.send("GET", "/api/v1/fleet/summary", null, null, "Cookie", "aami_session=" + used.id(), "X-AAMI-Poll", "1")
                .status()).isEqualTo(200);
    }

    @Test
    void aNewLoginEndsTheSessionTheBrowserAlreadyHeld() {
        Login first = login(unique("rene"), "viewer");
        String name = userName(first);
        Api.Reply again = api.send("POST", "/api/v1/login/session", Map.of("user", name, "password", Fixtures.PASSWORD), null,
                first.cookie());
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        assertThat(me(first)).as("the replaced session").isEqualTo(401);
        Matcher m = COOKIE.matcher(again.header("Set-Cookie").orElseThrow());
        assertThat(m.matches()).isTrue();
        assertThat(api.send("GET", "/api/v1/me", null, null, "Cookie", "aami_session=" + m.group(1)).status()).isEqualTo(200);
    }

    @Test
    void aDisabledUsersSessionsEndAndARoleChangeCountsAtOnce() throws SQLException {
        Login s = login(unique("dora"), "operator");
        assertThat(api.send("POST", "/api/v1/groups", Map.of("name", unique("g")), null, s.cookieAndCsrf()).status()).isEqualTo(201);
        assertThat(api.put("/api/v1/users/" + s.userId(), Map.of("role", "viewer"), ADMIN).status()).isEqualTo(200);
        assertThat(api.send("POST", "/api/v1/groups", Map.of("name", unique("g")), null, s.cookieAndCsrf()).status())
                .as("demoted to viewer").isEqualTo(403);
        assertThat(api.put("/api/v1/users/" + s.userId(), Map.of("disabled", true), ADMIN).status()).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = '" + s.userId() + "'")).as("ended with the disable").isZero();
        // No request in between: the session must not have waited for its next use to end.
        assertThat(api.put("/api/v1/users/" + s.userId(), Map.of("disabled", false), ADMIN).status()).isEqualTo(200);
        assertThat(me(s)).as("re-enabling does not bring the session back").isEqualTo(401);
    }

    @Test
    void aPasswordChangeAndRevokingAllTokensEndTheUsersSessions() throws SQLException {
        Login s = login(unique("pia"), "viewer");
        Login other = login(unique("pat"), "viewer");
        assertThat(api.put("/api/v1/users/" + s.userId() + "/password", Map.of("password", Fixtures.PASSWORD + "-new"), ADMIN).status())
                .isIn(200, 204);
        assertThat(me(s)).as("a password reset ends the sessions").isEqualTo(401);
        assertThat(me(other)).as("another user's session lives on").isEqualTo(200);
        assertThat(lastAudit(s.userId(), "set_password")).contains("\"ended_sessions\": 1");

        Login t = login(unique("tom"), "viewer");
        assertThat(api.send("DELETE", "/api/v1/users/" + t.userId() + "/tokens", null, ADMIN).status()).isEqualTo(200);
        assertThat(me(t)).as("revoking all tokens ends the sessions").isEqualTo(401);
        assertThat(lastAudit(t.userId(), "revoke_tokens")).contains("\"ended_sessions\": 1");
    }

    @Test
    void aSessionCannotMintATokenThatOutlivesIt() {
        Login s = login(unique("mia"), "operator");
        String ends = api.send("GET", "/api/v1/login/session", null, null, s.cookie()).json().get("expires_at").asText();
        Api.Reply capped = api.send("POST", "/api/v1/me/tokens", Map.of("name", "from-session"), null, s.cookieAndCsrf());
        assertThat(capped.status()).as(capped.toString()).isEqualTo(201);
        assertThat(java.time.Instant.parse(capped.json().get("expires_at").asText())).as("no expiry asked: the session's end")
                .isEqualTo(java.time.Instant.parse(ends));
        Api.Reply longer = api.send("POST", "/api/v1/me/tokens", Map.of("name", "longer", "ttl_seconds", 13 * 3600), null,
                s.cookieAndCsrf());
        assertThat(longer.status()).as(longer.toString()).isEqualTo(400);
        assertThat(longer.json().get("field").asText()).isEqualTo("ttl_seconds");
        Api.Reply shorter = api.send("POST", "/api/v1/me/tokens", Map.of("name", "shorter", "ttl_seconds", 3600), null,
                s.cookieAndCsrf());
        assertThat(shorter.status()).as(shorter.toString()).isEqualTo(201);
    }

    private static String lastAudit(String userId, String action) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT after::text FROM audit_events WHERE object_id = ? AND action = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, userId);
            ps.setString(2, action);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    @Test
    void logoutEndsTheSessionClearsTheCookieAndBothAreAudited() throws SQLException {
        Login s = login(unique("lou"), "viewer");
        assertThat(api.send("DELETE", "/api/v1/login/session", null, null, s.cookie()).status()).as("without CSRF").isEqualTo(403);
        Api.Reply out = api.send("DELETE", "/api/v1/login/session", null, null, s.cookieAndCsrf());
        assertThat(out.status()).as(out.toString()).isEqualTo(204);
        assertThat(out.header("Set-Cookie").orElseThrow()).startsWith("aami_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        assertThat(me(s)).isEqualTo(401);
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT action || ' ' || object_type || ' ' || actor_name FROM audit_events WHERE actor_id = ? ORDER BY id")) {
            ps.setObject(1, UUID.fromString(s.userId()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        assertThat(rows).containsExactly("login session " + userName(s), "logout session " + userName(s));
    }

    @Test
    void failedLoginsAreLimitedPerUserAndLoginTakesOnlyJson() {
        String name = unique("rita");
        Fixtures.user(api, name, "viewer");
        Map<String, String> wrong = Map.of("user", name, "password", "not the password at all");
        for (int i = 0; i < 5; i++) {
            assertThat(api.post("/api/v1/login/session", wrong, null).status()).isEqualTo(401);
        }
        Api.Reply limited = api.post("/api/v1/login/session", Map.of("user", name, "password", Fixtures.PASSWORD), null);
        assertThat(limited.status()).as("even the right password, once the name is limited: " + limited).isEqualTo(429);
        assertThat(api.post("/api/v1/login/tokens", Map.of("user", name, "password", Fixtures.PASSWORD, "name", "t"), null).status())
                .as("the token login shares the limit").isEqualTo(429);

        String other = unique("tess");
        Fixtures.user(api, other, "viewer");
        String body = "{\"user\":\"" + other + "\",\"password\":\"" + Fixtures.PASSWORD + "\"}";
        Api.Reply plain = api.send("POST", "/api/v1/login/session", body.getBytes(), null, "Content-Type", "text/plain");
        assertThat(plain.status()).as("what a cross-site form can send: " + plain).isEqualTo(415);
        assertThat(plain.header("Set-Cookie")).isEmpty();
    }

    private static int me(Login s) {
        return api.send("GET", "/api/v1/me", null, null, s.cookie()).status();
    }

    private static String userName(Login s) {
        return api.get("/api/v1/users/" + s.userId(), ADMIN).json().get("name").asText();
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Connection connect() throws SQLException {
        TestDatabase.Coordinates db = server.database();
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }
}
