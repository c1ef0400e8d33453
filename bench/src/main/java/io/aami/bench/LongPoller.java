package io.aami.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.bench.Stats.Endpoint;
import io.aami.contract.ApiPaths;
import io.aami.contract.policy.PolicyBundle;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A simulated agent that only long-polls its policy, as the real agent's poller does: one fetch for
 * the version it runs, then one poll always open on its own connection ({@code If-None-Match} with that
 * version, {@code ?wait=}), sent again after each 304, until a bundle of another version arrives. The
 * moment the whole answer arrived is kept ({@link System#nanoTime}); the bundle is read after.
 */
final class LongPoller {
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    private static final int FETCH_ATTEMPTS = 30;

    /**
     * What this agent received: the bundle's bytes (read after the run, so that decoding does not
     * compete with the answers still arriving) and when it had arrived (nanoTime), or what went wrong.
     */
    record Received(byte[] body, long atNanos, String failure) {
    }

    private final FleetHttp http;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService retries;
    private final UUID id;
    private final String token;
    private final Duration wait;
    private final CompletableFuture<Received> received = new CompletableFuture<>();
    private volatile long known = -1;
    private volatile boolean stopped;

    LongPoller(FleetHttp http, ObjectMapper mapper, ScheduledExecutorService retries, UUID id, String token, Duration wait) {
        this.http = http;
        this.mapper = mapper;
        this.retries = retries;
        this.id = id;
        this.token = token;
        this.wait = wait;
    }

    UUID id() {
        return id;
    }

    long known() {
        return known;
    }

    CompletableFuture<Received> received() {
        return received;
    }

    /**
     * The first fetch: completes with the version this agent then runs. What a real agent retries (no
     * answer, 429, 5xx: a busy server's database pool) is retried after a second, a few times.
     */
    CompletableFuture<Long> fetch() {
        CompletableFuture<Long> version = new CompletableFuture<>();
        fetch(version, FETCH_ATTEMPTS);
        return version;
    }

    private void fetch(CompletableFuture<Long> version, int attemptsLeft) {
        http.send(id, Endpoint.POLICY_FETCH, "GET", path(""), null, token, null, Duration.ofSeconds(60), a -> {
            boolean retryable = a.status() == 0 || a.status() == 429 || a.status() / 100 == 5;
            if (retryable && attemptsLeft > 1) {
                retries.schedule(() -> fetch(version, attemptsLeft - 1), RETRY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            try {
                if (a.status() != 200) {
                    throw new IllegalStateException("first policy fetch of " + id + " answered " + a.status());
                }
                known = mapper.readValue(a.body(), PolicyBundle.class).version();
                version.complete(known);
            } catch (IOException | RuntimeException e) {
                version.completeExceptionally(e);
            }
        });
    }

    /**
     * Opens the long poll, and again after each 304 or failure, until another version arrives. A failure (no answer,
     * 429, 503 from a server busy with tens of thousands of polls arriving) is retried as the agent does: after the
     * server's {@code Retry-After}, else after a delay doubling from a second up to {@link #MAX_RETRY}, with jitter,
     * so that refused polls do not come back all in the same second.
     */
    void park() {
        park(0);
    }

    private void park(int failures) {
        if (stopped || received.isDone()) {
            return;
        }
        String path = path("?wait=" + wait.toSeconds() + "s");
        http.send(id, Endpoint.POLICY_FETCH, "GET", path, null, token, "\"" + known + "\"", wait.plusSeconds(30), a -> {
            long at = System.nanoTime();
            if (a.status() == 200) {
                received.complete(new Received(a.body(), at, null));
            } else if (a.status() == 304) {
                park(0);
            } else if (!stopped) {
                retries.schedule(() -> park(failures + 1), retryMillis(failures, a.retryAfterSeconds()), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** The delay before retry number {@code failures + 1}: {@code Retry-After} when given, else doubling, with ±50 % jitter. */
    static long retryMillis(int failures, long retryAfterSeconds) {
        long base = retryAfterSeconds > 0 ? Math.min(retryAfterSeconds * 1000, MAX_RETRY.toMillis())
                : Math.min(RETRY.toMillis() << Math.min(failures, 5), MAX_RETRY.toMillis());
        return base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base + 1);
    }

    void stop() {
        stopped = true;
        received.complete(new Received(null, 0, "no new bundle before the run ended"));
    }

    private String path(String query) {
        return ApiPaths.withId(ApiPaths.POLICY, id) + query;
    }
}
