package io.aami.server.users;

import io.aami.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Failed-login limits per client address and per user name, kept in PostgreSQL ({@link LoginFailureStore}) so every
 * replica counts the same failures: N replicas allow no more guesses than one. Each limit is a token bucket of
 * {@code burst} failures refilled one per {@code step}, stored as the time the bucket is full again (a generic cell
 * rate): a login costs one lookup of both keys before the password is checked, a failure one batched upsert of both.
 * Times are this replica's clock, so replicas should keep theirs in step (NTP): a skew of a few seconds moves a limit
 * by as much. Rows whose bucket is full again are pruned hourly ({@link #prune}).
 */
final class LoginFailures {
    static final String ADDRESS = "address";
    static final String USER = "user";
    private static final int PRUNE_BATCH = 1000;

    /** A limit: {@code burst} failures at once, then one per {@code step}. */
    record Limit(int burst, Duration step) {
        /** How long until a failure is allowed again, given when the bucket is full again; empty when one is now. */
        Optional<Duration> waitFor(Instant fullAt, Instant now) {
            if (fullAt == null) {
                return Optional.empty();
            }
            Duration late = Duration.between(now, fullAt).minus(step.multipliedBy(burst - 1L));
            return late.isNegative() || late.isZero() ? Optional.empty() : Optional.of(late);
        }
    }

    /** Which key is limited, and for how long. */
    record Limited(String scope, Duration retryAfter) {
    }

    private final Database db;
    private final LoginFailureStore store;
    private final Limit byAddress;
    private final Limit byUser;
    private final Clock clock;

    LoginFailures(Database db, LoginFailureStore store, Limit byAddress, Limit byUser, Clock clock) {
        this.db = db;
        this.store = store;
        this.byAddress = byAddress;
        this.byUser = byUser;
        this.clock = clock;
    }

    /** The first of the two keys (the address first) that is past its limit now; one query. */
    Optional<Limited> limited(String address, String user) {
        Instant now = clock.instant();
        Map<String, Instant> fullAt = db.withConnection(c -> store.find(c, address, user));
        Optional<Duration> a = byAddress.waitFor(fullAt.get(ADDRESS), now);
        if (a.isPresent()) {
            return Optional.of(new Limited(ADDRESS, a.get()));
        }
        return byUser.waitFor(fullAt.get(USER), now).map(w -> new Limited(USER, w));
    }

    /** Counts one failure against both keys; one round trip. */
    void failed(String address, String user) {
        Instant now = clock.instant();
        db.withConnection(c -> {
            store.fail(c, now, new LoginFailureStore.Failure(ADDRESS, address, byAddress.burst(), byAddress.step()),
                    new LoginFailureStore.Failure(USER, user, byUser.burst(), byUser.step()));
            return null;
        });
    }

    /** Deletes the rows of keys whose bucket is full again, in batches; returns how many. */
    int prune() {
        Instant now = clock.instant();
        int total = 0;
        for (int n = PRUNE_BATCH; n == PRUNE_BATCH; total += n) {
            n = db.withConnection(c -> store.prune(c, now, PRUNE_BATCH));
        }
        return total;
    }
}
