package io.aami.server.users;

import static io.aami.server.testing.TestServer.ADMIN;
import static io.aami.server.testing.TestServer.MONITORING;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against a real server and PostgreSQL, every request from one address (as behind a proxy): malformed bearers
 * count for nothing; past the burst of well-formed invalid tokens, unknown ones are refused (429) before any
 * lookup while a token valid at a recent request, and the admin and monitoring tokens, still work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InvalidTokenLimitTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_RATE_LIMITS_INVALID_TOKEN_PER_SECOND", "1",
            "AAMI_RATE_LIMITS_INVALID_TOKEN_BURST", "3"), clock);
    static final Api api = server.api();

    @Test
    @Order(1)
    void junkBearersDoNotLockOutAValidToken() {
        Fixtures.user(api, "terraform", "operator");
        String token = Fixtures.userToken(api, "terraform", Map.of());
        for (int i = 0; i < 20; i++) {
            assertThat(api.get("/api/v1/groups", "x").status()).isEqualTo(401);
        }
        assertThat(api.get("/api/v1/groups", token).status()).as("a token never used before, after 20 junk bearers").isEqualTo(200);
    }

    @Test
    @Order(2)
    void guessingIsCutOffAfterTheBurstButTokensInUseStillWork() {
        Fixtures.user(api, "cron", "viewer");
        Fixtures.user(api, "backup", "viewer");
        String inUse = Fixtures.userToken(api, "cron", Map.of());
        String unused = Fixtures.userToken(api, "backup", Map.of());
        assertThat(api.get("/api/v1/groups", inUse).status()).isEqualTo(200);

        String guess = "aami_u_" + UUID.randomUUID().toString().replace("-", "") + "_" + "g".repeat(43);
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/api/v1/groups", guess).status()).isEqualTo(401);
        }
        Api.Reply limited = api.get("/api/v1/groups", guess);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().get("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(limited.header("Retry-After")).isPresent();
        assertThat(api.get("/api/v1/groups", inUse).status()).as("recently valid: still looked up").isEqualTo(200);
        assertThat(api.get("/api/v1/groups", unused).status()).as("unknown to this server yet: waits like a guess").isEqualTo(429);
        assertThat(api.get("/api/v1/groups", ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/sd/prometheus", MONITORING).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/me/tokens", inUse).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/groups", inUse).status()).as("revoked: looked up once more, refused").isEqualTo(401);
        assertThat(api.get("/api/v1/groups", inUse).status()).as("and forgotten").isEqualTo(429);
        clock.advance(Duration.ofSeconds(2));
        assertThat(api.get("/api/v1/groups", unused).status()).as("after the refill").isEqualTo(200);
    }
}
