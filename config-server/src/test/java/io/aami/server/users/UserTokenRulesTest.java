package io.aami.server.users;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may create which token: a token never mints one that outlives it; an admin lists and revokes anyone's
 * tokens but creates none for another user (a user gets its own with its password, limited per address and
 * per user); a new password revokes the user's tokens unless told not to; all tokens can be revoked at once.
 */
class UserTokenRulesTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();

    @Test
    void aTokenCannotCreateOneThatOutlivesIt() {
        Fixtures.user(api, "ci-bot", "operator");
        String hourly = Fixtures.userToken(api, "ci-bot", Map.of("ttl_seconds", 3600));
        Instant limit = Instant.parse(api.get("/api/v1/me/tokens", hourly).json().get(0).get("expires_at").asText());

        Api.Reply longer = api.post("/api/v1/me/tokens", Map.of("name", "forever", "ttl_seconds", 7200), hourly);
        assertThat(longer.status()).as(longer.toString()).isEqualTo(400);
        assertThat(longer.json().get("field").asText()).isEqualTo("ttl_seconds");
        Api.Reply later = api.post("/api/v1/me/tokens", Map.of("name", "forever", "expires_at", limit.plusSeconds(1).toString()), hourly);
        assertThat(later.json().get("field").asText()).as(later.toString()).isEqualTo("expires_at");

        Api.Reply unbounded = api.post("/api/v1/me/tokens", Map.of("name", "no-expiry-asked"), hourly);
        assertThat(unbounded.status()).as(unbounded.toString()).isEqualTo(201);
        assertThat(Instant.parse(unbounded.json().get("expires_at").asText())).as("takes the caller's expiry").isEqualTo(limit);
        Api.Reply shorter = api.post("/api/v1/me/tokens", Map.of("name", "shorter", "ttl_seconds", 60), hourly);
        assertThat(shorter.status()).isEqualTo(201);

        String child = unbounded.json().get("token").asText();
        clock.advance(Duration.ofSeconds(3601));
        assertThat(api.get("/api/v1/me", hourly).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", child).status()).as("the child dies with its parent's expiry").isEqualTo(401);

        String lasting = Fixtures.userToken(api, "ci-bot", Map.of());
        assertThat(api.get("/api/v1/me/tokens", lasting).json().findValues("expires_at").get(3).isNull())
                .as("with the password, no expiry is imposed").isTrue();
    }

    @Test
    void anAdminListsAndRevokesAnotherUsersTokensButCreatesNone() {
        String victim = Fixtures.user(api, "victim", "operator");
        Fixtures.user(api, "boss", "admin");
        String boss = Fixtures.userToken(api, "boss", Map.of());
        for (String admin : new String[] {ADMIN, boss}) {
            Api.Reply minted = api.post("/api/v1/users/" + victim + "/tokens", Map.of("name", "impersonate"), admin);
            assertThat(minted.status()).as(minted.toString()).isIn(404, 405);
            assertThat(minted.body()).doesNotContain("aami_u_");
        }
        String own = Fixtures.userToken(api, "victim", Map.of("name", "own"));
        JsonNode listed = api.get("/api/v1/users/" + victim + "/tokens", boss).json();
        assertThat(listed).hasSize(1);
        assertThat(api.delete("/api/v1/users/" + victim + "/tokens/" + listed.get(0).get("id").asText(), boss).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", own).status()).isEqualTo(401);
    }

    @Test
    void aPasswordGivesTheUserItsOwnTokenAndGuessingIsLimited() {
        Fixtures.user(api, "olga", "viewer");
        Api.Reply got = api.post("/api/v1/login/tokens", Map.of("user", "OLGA", "password", Fixtures.PASSWORD, "name", "laptop"), null);
        assertThat(got.status()).as(got.toString()).isEqualTo(201);
        assertThat(got.header("Cache-Control")).contains("no-store");
        assertThat(api.get("/api/v1/me", got.json().get("token").asText()).json().get("name").asText()).isEqualTo("olga");

        Map<String, String> wrong = Map.of("user", "olga", "password", "not the password", "name", "x");
        for (int i = 0; i < PasswordLogin.USER_BURST; i++) {
            Api.Reply r = api.post("/api/v1/login/tokens", wrong, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(401);
            assertThat(r.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
        }
        Api.Reply limited = api.post("/api/v1/login/tokens", Map.of("user", "olga", "password", Fixtures.PASSWORD, "name", "y"), null);
        assertThat(limited.status()).as("even the right password, until the bucket refills").isEqualTo(429);
        assertThat(limited.header("Retry-After")).isPresent();
        assertThat(api.post("/api/v1/login/tokens", Map.of("user", "nobody-here", "password", "whatever it is", "name", "x"), null)
                .status()).as("another user is not limited").isEqualTo(401);
        clock.advance(Duration.ofSeconds(15));
        assertThat(api.post("/api/v1/login/tokens", Map.of("user", "olga", "password", Fixtures.PASSWORD, "name", "z"), null)
                .status()).isEqualTo(201);
        assertThat(api.post("/api/v1/login/tokens", Map.of("password", Fixtures.PASSWORD, "name", "z"), null).json().get("field")
                .asText()).isEqualTo("user");
    }

    @Test
    void aNewPasswordRevokesTheTokensUnlessToldNotTo() {
        String id = Fixtures.user(api, "pat", "viewer");
        String t = Fixtures.userToken(api, "pat", Map.of());
        Api.Reply kept = api.put("/api/v1/users/" + id + "/password", Map.of("password", Fixtures.PASSWORD, "revoke_tokens", false), ADMIN);
        assertThat(kept.status()).as(kept.toString()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", t).status()).isEqualTo(200);
        assertThat(api.put("/api/v1/users/" + id + "/password", Map.of("password", Fixtures.PASSWORD), ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", t).status()).as("revoked by default").isEqualTo(401);
    }

    @Test
    void allOfAUsersTokensAreRevokedAtOnceByTheUserOrAnAdmin() {
        String id = Fixtures.user(api, "quinn", "viewer");
        String a = Fixtures.userToken(api, "quinn", Map.of());
        String b = Fixtures.userToken(api, "quinn", Map.of());
        Api.Reply mine = api.delete("/api/v1/me/tokens", a);
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        assertThat(mine.json().get("revoked").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/me", a).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", b).status()).isEqualTo(401);

        String c = Fixtures.userToken(api, "quinn", Map.of());
        assertThat(api.delete("/api/v1/users/" + id + "/tokens", ADMIN).json().get("revoked").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/me", c).status()).isEqualTo(401);
        assertThat(api.delete("/api/v1/me/tokens", ADMIN).json().get("code").asText()).isEqualTo("NOT_A_USER");
    }
}
