package io.aami.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Enrollments of one bootstrap token serialize on its row lock. They must do so without each holding
 * one of the server's pooled connections while it waits (a fleet enrolling with one token emptied
 * the pool, and heartbeats and results got 503), and a lock held elsewhere must give a quick 503 with
 * {@code Retry-After}, not a request that waits as long as the lock is held.
 */
class EnrollmentConnectionsTest {
    private static final int POOL = 8;
    private static final int CONCURRENT = 24;

    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_DATABASE_POOL_SIZE", String.valueOf(POOL)));
    static final Api api = server.api();

    static Api.Reply register(String token) {
        Map<String, Object> body = new HashMap<>(Map.of("token", token, "hostname", "host-" + UUID.randomUUID(),
                "agent_id", UUID.randomUUID().toString()));
        return api.post("/api/v1/bootstrap-tokens/register", body, null);
    }

    private Connection direct() throws Exception {
        TestDatabase.Coordinates db = server.database();
        return db.user() == null ? DriverManager.getConnection(db.url()) : DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    @Test
    @Timeout(60)
    void concurrentEnrollmentsOfOneTokenNeverWaitOnItsLockHoldingAPooledConnection() throws Exception {
        String token = Fixtures.bootstrapToken(api, 1000, Map.of());
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger mostWaiting = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        // Server connections blocked on a lock, seen from outside: each is a pooled connection lent to a
        // request that does nothing but wait.
        CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
            try (Connection c = direct(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE application_name = 'aami-config-server' AND wait_event_type = 'Lock'")) {
                while (sampling.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        mostWaiting.accumulateAndGet(rs.getInt(1), Math::max);
                        samples.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        List<Api.Reply> replies = new ArrayList<>();
        try {
            for (int round = 0; round < 3; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Api.Reply>> wave = new ArrayList<>();
                for (int i = 0; i < CONCURRENT; i++) {
                    wave.add(pool.submit(() -> {
                        go.await();
                        return register(token);
                    }));
                }
                go.countDown();
                for (Future<Api.Reply> f : wave) {
                    replies.add(f.get(30, TimeUnit.SECONDS));
                }
            }
        } finally {
            sampling.set(false);
            pool.shutdownNow();
        }
        sampler.get(10, TimeUnit.SECONDS);
        assertThat(samples.get()).isGreaterThan(10);
        // On a busy machine some wait longer than the server lets them: a quick 503 to retry later, never a 5xx of another kind.
        List<Api.Reply> refused = replies.stream().filter(r -> r.status() != 201).toList();
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.json().get("code").asText()).isEqualTo("SERVER_BUSY");
            assertThat(r.header("Retry-After")).isPresent();
        });
        long enrolled = replies.size() - refused.size();
        assertThat(enrolled).isGreaterThanOrEqualTo(CONCURRENT);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + token.substring(5, 11), TestServer.ADMIN).json().get("uses").asLong())
                .isEqualTo(enrolled);
        assertThat(mostWaiting.get()).as("server connections waiting on a lock at once").isZero();
    }

    @Test
    @Timeout(60)
    void aTokenLockedElsewhereGetsAQuick503WithRetryAfter() throws Exception {
        String token = Fixtures.bootstrapToken(api, 10, Map.of());
        String id = token.substring(5, 11);
        try (Connection c = direct(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // Another replica (or an admin's revocation) holding the token's row: as long as it likes.
            s.execute("SELECT 1 FROM bootstrap_tokens WHERE id = '" + id + "' FOR UPDATE");
            long start = System.nanoTime();
            CompletableFuture<Api.Reply> reply = CompletableFuture.supplyAsync(() -> register(token));
            Api.Reply r = reply.get(15, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            c.rollback();
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.json().get("code").asText()).isEqualTo("SERVER_BUSY");
            assertThat(r.header("Retry-After")).isPresent();
            assertThat(millis).isLessThan(10_000);
        }
        assertThat(register(token).status()).isEqualTo(201);
    }
}
