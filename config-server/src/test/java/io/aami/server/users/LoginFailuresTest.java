package io.aami.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.Database;
import io.aami.server.db.Migrations;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database-kept login limits as a token bucket: a burst, then one per step; a failure past the limit does not push
 * the wait further than a whole burst; each key apart; rows of keys whose bucket is full again are pruned, the others kept.
 */
class LoginFailuresTest {
    static Database db;
    static final MutableClock clock = MutableClock.startingNow();
    static LoginFailures failures;

    @BeforeAll
    static void database() {
        TestDatabase.Coordinates c = TestDatabase.fresh();
        db = Database.connect(c.url(), c.user(), c.password(), 2);
        new Migrations(db, Clock.systemUTC()).migrate(Duration.ofSeconds(30));
        failures = new LoginFailures(db, new LoginFailureStore(), new LoginFailures.Limit(3, Duration.ofSeconds(1)),
                new LoginFailures.Limit(2, Duration.ofSeconds(10)), clock);
    }

    static java.util.Map<String, java.time.Instant> rows(String address, String user) {
        return db.withConnection(c -> new LoginFailureStore().find(c, address, user));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void aBurstThenOnePerStepForEachKey() {
        failures.failed("192.0.2.1", "u1");
        assertThat(failures.limited("192.0.2.1", "u1")).isEmpty();
        failures.failed("192.0.2.1", "u1");
        assertThat(failures.limited("192.0.2.1", "u1")).contains(new LoginFailures.Limited(LoginFailures.USER, Duration.ofSeconds(10)));
        assertThat(failures.limited("192.0.2.1", "u2")).as("another name, same address: 2 of 3").isEmpty();
        failures.failed("192.0.2.1", "u2");
        assertThat(failures.limited("192.0.2.1", "u2")).contains(new LoginFailures.Limited(LoginFailures.ADDRESS, Duration.ofSeconds(1)));
        assertThat(failures.limited("192.0.2.9", "u2")).as("another address").isEmpty();
        for (int i = 0; i < 10; i++) {
            failures.failed("192.0.2.1", "u1");
        }
        assertThat(failures.limited("192.0.2.1", "u1").orElseThrow().retryAfter()).as("capped at a burst").isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(failures.limited("192.0.2.1", "u3")).isEmpty();
        assertThat(failures.limited("192.0.2.2", "u1").orElseThrow().retryAfter()).isEqualTo(Duration.ofSeconds(9));
        clock.advance(Duration.ofSeconds(9));
        assertThat(failures.limited("192.0.2.2", "u1")).isEmpty();
    }

    @Test
    void pruningDeletesOnlyKeysWhoseBucketIsFullAgain() {
        failures.failed("198.51.100.1", "p1");
        clock.advance(Duration.ofSeconds(5));
        failures.failed("198.51.100.2", "p2");
        // The first address (full after 1 s) is gone; the first name (10 s) and the second pair are kept.
        int pruned = failures.prune();
        assertThat(pruned).isGreaterThanOrEqualTo(1);
        assertThat(rows("198.51.100.1", "p1").keySet()).containsExactly(
                LoginFailures.USER);
        assertThat(rows("198.51.100.2", "p2").keySet()).containsExactlyInAnyOrder(
                LoginFailures.USER, LoginFailures.ADDRESS);
        clock.advance(Duration.ofSeconds(30));
        failures.prune();
        assertThat(rows("198.51.100.2", "p2")).isEmpty();
    }
}
