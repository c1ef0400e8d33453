package io.aami.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one database share the failed-login limits (console review F7): failures counted on one count on
 * the other, so N replicas allow no more guesses than one.
 */
class SharedLoginLimitTest {
    @Test
    void failuresOnOneReplicaCountOnTheOther() {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        // Stands still: the limits refill with time, and a loaded machine takes seconds for 20 Argon2 runs.
        MutableClock clock = MutableClock.startingNow();
        try (TestServer a = TestServer.start(Map.of(), db, clock); TestServer b = TestServer.start(Map.of(), db, clock)) {
            Fixtures.user(a.api(), "rhea", "viewer");
            // The name's limit (5): 3 failures on one replica, 2 on the other.
            for (Api api : new Api[] {a.api(), a.api(), a.api(), b.api(), b.api()}) {
                assertThat(api.post("/api/v1/login/session", Map.of("user", "rhea", "password", "wrong password here"), null).status())
                        .isEqualTo(401);
            }
            Api.Reply limited = a.api().post("/api/v1/login/session", Map.of("user", "RHEA", "password", Fixtures.PASSWORD), null);
            assertThat(limited.status()).as("the 6th try on the first replica: " + limited).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isPresent();
            assertThat(b.api().post("/api/v1/login/tokens", Map.of("user", "rhea", "password", Fixtures.PASSWORD, "name", "t"), null)
                    .status()).isEqualTo(429);

            // The address's limit (20): rhea's 5 failures, then 15 with a new name each time, alternating between replicas.
            for (int i = 0; i < 15; i++) {
                Api api = i % 2 == 0 ? a.api() : b.api();
                assertThat(api.post("/api/v1/login/session", Map.of("user", "nobody-" + UUID.randomUUID(), "password", "wrong password"),
                        null).status()).isEqualTo(401);
            }
            Api.Reply address = b.api().post("/api/v1/login/session", Map.of("user", "nobody-else", "password", "wrong password"), null);
            assertThat(address.status()).as(address.toString()).isEqualTo(429);
            assertThat(address.json().get("error").asText()).contains("from this address");
        }
    }
}
