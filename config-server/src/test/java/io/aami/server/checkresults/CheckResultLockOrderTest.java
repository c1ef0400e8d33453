package io.aami.server.checkresults;

import static io.aami.server.testing.Fixtures.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.results.CheckResult;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two transactions writing the same rows of a batch without seq, in opposite orders, at once: the
 * stores lock rows in one order, so neither waits for the other in a cycle (PostgreSQL would end one
 * with a deadlock error). Real PostgreSQL, two connections, repeated so the statements overlap.
 */
class CheckResultLockOrderTest {
    static final int ROUNDS = 15;
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"));
    static final Api api = server.api();

    interface Write {
        void run(Connection c, boolean reversed, int round) throws SQLException;
    }

    /** Runs {@code write} on two connections at once, one of them reversed, {@link #ROUNDS} times; fails on the first deadlock. */
    static void concurrently(Write write) throws Exception {
        TestDatabase.Coordinates db = server.database();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection one = DriverManager.getConnection(db.url(), db.user(), db.password());
             Connection two = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            for (Connection c : List.of(one, two)) {
                c.setAutoCommit(false);
                c.createStatement().execute("SET deadlock_timeout = '100ms'");
                c.commit();
            }
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                int r = round;
                List<Future<?>> both = new ArrayList<>();
                for (Connection c : List.of(one, two)) {
                    both.add(pool.submit(() -> {
                        start.await();
                        try {
                            write.run(c, c == two, r);
                            c.commit();
                        } catch (SQLException e) {
                            c.rollback();
                            throw e;
                        }
                        return null;
                    }));
                }
                for (Future<?> f : both) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new AssertionError("round " + r + ": " + e.getCause(), e.getCause());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysOfOneBatchInsertedInOppositeOrdersNeverDeadlock() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "keys", null);
        CheckResultKeyStore store = new CheckResultKeyStore();
        Instant now = Instant.now();
        concurrently((c, reversed, round) -> {
            List<CheckResultKeyStore.Key> keys = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                keys.add(new CheckResultKeyStore.Key(new UUID(round, i), now.minusSeconds(i), "%064x".formatted(i)));
            }
            if (reversed) {
                Collections.reverse(keys);
            }
            store.insertNew(c, a.id(), now, keys);
        });
    }

    @Test
    void latestRowsOfOneBatchUpsertedInOppositeOrdersNeverDeadlock() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "latest", null);
        List<String> checks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            checks.add(Fixtures.createCheck(api, check("c" + i, "true", 60, Map.of("target_id", a.id().toString()))));
        }
        CheckResultStore store = new CheckResultStore();
        UUID epoch = UUID.randomUUID();
        concurrently((c, reversed, round) -> {
            List<CheckResult> latest = new ArrayList<>();
            for (String id : checks) {
                latest.add(new CheckResult((long) round * 2 + (reversed ? 1 : 0) + 1, id, "ok", 0, "out", false, false, 1,
                        Instant.now()));
            }
            if (reversed) {
                Collections.reverse(latest);
            }
            store.upsertLatest(c, a.id(), epoch, Instant.now(), latest);
        });
    }
}
