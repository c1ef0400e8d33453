package io.aami.server.users;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The users admin API and each caller's own tokens, against a real server and PostgreSQL. */
class UserApiTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();
    static final String PASSWORD = Fixtures.PASSWORD;

    static final Map<String, String> names = new ConcurrentHashMap<>();

    static String user(String name, String role) {
        String id = Fixtures.user(api, name, role);
        names.put(id, name);
        return id;
    }

    /** A token of the user {@code userId}, got as the user gets one: with its name and password. */
    static String token(String userId, Map<String, ?> extra) {
        return Fixtures.userToken(api, names.get(userId), extra);
    }

    @Test
    void createListGetAndNeverThePassword() {
        String id = user("Carol", "operator");
        Api.Reply got = api.get("/api/v1/users/" + id, ADMIN);
        assertThat(got.json().get("name").asText()).isEqualTo("Carol");
        assertThat(got.json().get("role").asText()).isEqualTo("operator");
        assertThat(got.json().get("disabled").asBoolean()).isFalse();
        String list = api.get("/api/v1/users", ADMIN).body();
        assertThat(list).contains("Carol").doesNotContain("argon2").doesNotContain("password").doesNotContain(PASSWORD);

        Api.Reply dup = api.post("/api/v1/users", Map.of("name", "carol", "role", "viewer", "password", PASSWORD), ADMIN);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().get("code").asText()).isEqualTo("ALREADY_EXISTS");
        assertThat(dup.json().get("field").asText()).isEqualTo("name");
    }

    @Test
    void badInputIsA400NamingTheField() {
        assertInvalid(Map.of("name", "dave", "role", "root", "password", PASSWORD), "role");
        assertInvalid(Map.of("name", "dave", "password", PASSWORD), "role");
        assertInvalid(Map.of("name", "dave", "role", "viewer", "password", "short"), "password");
        assertInvalid(Map.of("name", "dave", "role", "viewer", "password", "x".repeat(257) + "abcd"), "password");
        assertInvalid(Map.of("name", "dave", "role", "viewer", "password", "aaaaaaaaaaaaaaaa"), "password");
        assertInvalid(Map.of("name", "dave", "role", "viewer", "password", "my name is dave!"), "password");
        assertInvalid(Map.of("name", "da ve", "role", "viewer", "password", PASSWORD), "name");
        assertInvalid(Map.of("role", "viewer", "password", PASSWORD), "name");
        assertThat(api.get("/api/v1/users", ADMIN).body()).doesNotContain("dave");

        String id = user("erin", "viewer");
        Api.Reply role = api.put("/api/v1/users/" + id, Map.of("role", "superuser"), ADMIN);
        assertThat(role.status()).isEqualTo(400);
        assertThat(role.json().get("field").asText()).isEqualTo("role");
        Api.Reply pw = api.put("/api/v1/users/" + id + "/password", Map.of("password", "tiny"), ADMIN);
        assertThat(pw.json().get("field").asText()).isEqualTo("password");
        assertThat(api.put("/api/v1/users/" + id + "/password", Map.of("password", "another long secret"), ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/users/not-a-uuid", ADMIN).json().get("field").asText()).isEqualTo("id");
        assertThat(api.get("/api/v1/users/" + UUID.randomUUID(), ADMIN).status()).isEqualTo(404);
    }

    @Test
    void badTokenExpiryIsA400NamingTheField() {
        String id = user("frank", "viewer");
        assertTokenInvalid(id, Map.of("name", "ci", "ttl_seconds", 0), "ttl_seconds");
        assertTokenInvalid(id, Map.of("name", "ci", "ttl_seconds", 3600, "expires_at", clock.instant().plusSeconds(60).toString()),
                "ttl_seconds");
        assertTokenInvalid(id, Map.of("name", "ci", "expires_at", clock.instant().minusSeconds(1).toString()), "expires_at");
        assertTokenInvalid(id, Map.of("name", "ci", "expires_at", clock.instant().plusSeconds(3 * 366 * 86400L).toString()),
                "expires_at");
        assertTokenInvalid(id, Map.of("ttl_seconds", 60), "name");
        token(id, Map.of("name", "ci"));
        Api.Reply dup = api.post("/api/v1/login/tokens", Map.of("user", "frank", "password", PASSWORD, "name", "CI"), null);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().get("field").asText()).isEqualTo("name");
    }

    @Test
    void aTokenIsShownOnceActsAsItsUserAndDiesWhenRevokedOrExpired() {
        String id = user("grace", "operator");
        String mine = token(id, Map.of());
        assertThat(mine).startsWith("aami_u_");
        JsonNode me = api.get("/api/v1/me", mine).json();
        assertThat(me.get("kind").asText()).isEqualTo("user");
        assertThat(me.get("name").asText()).isEqualTo("grace");
        assertThat(me.get("role").asText()).isEqualTo("operator");

        Api.Reply own = api.post("/api/v1/me/tokens", Map.of("name", "terraform", "ttl_seconds", 3600), mine);
        assertThat(own.status()).isEqualTo(201);
        assertThat(own.header("Cache-Control")).contains("no-store");
        String terraform = own.json().get("token").asText();
        String listed = api.get("/api/v1/me/tokens", mine).body();
        assertThat(listed).contains("terraform").doesNotContain(terraform).doesNotContain(terraform.substring(40));
        assertThat(api.post("/api/v1/groups", Map.of("name", "from-terraform"), terraform).status()).isEqualTo(201);

        clock.advance(java.time.Duration.ofSeconds(3601));
        assertThat(api.get("/api/v1/me", terraform).status()).as("expired").isEqualTo(401);
        assertThat(api.get("/api/v1/me", mine).status()).as("no expiry").isEqualTo(200);

        String tokenId = null;
        for (JsonNode t : api.get("/api/v1/me/tokens", mine).json()) {
            tokenId = t.get("name").asText().equals("terraform") ? tokenId : t.get("id").asText();
        }
        assertThat(api.delete("/api/v1/me/tokens/" + tokenId, mine).status()).isEqualTo(204);
        Api.Reply revoked = api.get("/api/v1/me", mine);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aTokenActsWithItsUsersCurrentRole() {
        user("heidi-peer", "admin");
        String id = user("heidi", "admin");
        String t = token(id, Map.of());
        assertThat(api.get("/api/v1/users", t).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/users/" + id, Map.of("role", "viewer"), ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/users", t).status()).as("demoted: no longer admin").isEqualTo(403);
        assertThat(api.post("/api/v1/groups", Map.of("name", "heidi"), t).status()).as("nor operator").isEqualTo(403);
        assertThat(api.get("/api/v1/groups", t).status()).as("still a viewer").isEqualTo(200);
    }

    @Test
    void disablingOrDeletingTheUserKillsItsTokensForGood() {
        String id = user("ivan", "operator");
        String t = token(id, Map.of());
        assertThat(api.put("/api/v1/users/" + id, Map.of("disabled", true), ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", t).status()).isEqualTo(401);
        assertThat(api.put("/api/v1/users/" + id, Map.of("disabled", false), ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", t).status()).as("re-enabling brings no old token back").isEqualTo(401);

        String again = token(id, Map.of());
        assertThat(api.get("/api/v1/me", again).status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/users/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", again).status()).isEqualTo(401);
    }

    @Test
    void noRoleCanRaiseItselfNorTouchAnothersTokens() {
        String opId = user("judy", "operator");
        String op = token(opId, Map.of());
        assertThat(api.put("/api/v1/users/" + opId, Map.of("role", "admin"), op).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/users", Map.of("name", "judy2", "role", "admin", "password", PASSWORD), op).status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/users/" + opId + "/tokens", op).status()).isEqualTo(403);

        String otherId = user("mallory", "viewer");
        token(otherId, Map.of("name", "victim"));
        String victimToken = api.get("/api/v1/users/" + otherId + "/tokens", ADMIN).json().get(0).get("id").asText();
        assertThat(api.delete("/api/v1/me/tokens/" + victimToken, op).status()).as("not the caller's token").isEqualTo(404);
        assertThat(api.get("/api/v1/users/" + otherId + "/tokens", ADMIN).json().get(0).get("revoked_at").isNull()).isTrue();
        assertThat(api.get("/api/v1/users", op).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", op).json().get("role").asText()).isEqualTo("operator");
    }

    @Test
    void theBreakGlassTokenIsAnAdminWithoutTokensOfItsOwn() {
        JsonNode me = api.get("/api/v1/me", ADMIN).json();
        assertThat(me.get("kind").asText()).isEqualTo("break_glass");
        assertThat(me.get("role").asText()).isEqualTo("admin");
        Api.Reply mine = api.post("/api/v1/me/tokens", Map.of("name", "x"), ADMIN);
        assertThat(mine.status()).isEqualTo(409);
        assertThat(mine.json().get("code").asText()).isEqualTo("NOT_A_USER");
    }

    @Test
    void malformedAndForgedTokensAre401() {
        String id = user("ken", "viewer");
        String t = token(id, Map.of());
        String forged = t.substring(0, t.length() - 1) + (t.endsWith("a") ? "b" : "a");
        for (String bad : new String[] {forged, "aami_u_" + UUID.randomUUID().toString().replace("-", "") + "_" + "a".repeat(43),
                "aami_u_zz", t + "x", t.toUpperCase()}) {
            assertThat(api.get("/api/v1/groups", bad).status()).as(bad).isEqualTo(401);
        }
    }

    private static void assertInvalid(Map<String, ?> body, String field) {
        Api.Reply r = api.post("/api/v1/users", body, ADMIN);
        assertThat(r.status()).as(body + " → " + r).isEqualTo(400);
        assertThat(r.json().get("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.json().get("field").asText()).as(r.toString()).isEqualTo(field);
    }

    private static void assertTokenInvalid(String userId, Map<String, ?> body, String field) {
        Map<String, Object> login = new HashMap<>(Map.of("user", names.get(userId), "password", PASSWORD));
        login.putAll(body);
        Api.Reply r = api.post("/api/v1/login/tokens", login, null);
        assertThat(r.status()).as(body + " → " + r).isEqualTo(400);
        assertThat(r.json().get("field").asText()).as(r.toString()).isEqualTo(field);
    }
}
