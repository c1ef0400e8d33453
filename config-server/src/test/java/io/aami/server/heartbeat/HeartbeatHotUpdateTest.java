package io.aami.server.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every heartbeat rewrites its target's row. When it changed an indexed column (offline_after, in the
 * sweep's partial index) no update was HOT: each one added index entries and left a dead tuple for
 * vacuum (1.45M updates, 265 HOT, 214k dead tuples for 1,003 rows in issue 14's fleet run). Real
 * heartbeats, through the route and the writer, must now update in place.
 */
class HeartbeatHotUpdateTest {
    private static final int AGENTS = 5;
    private static final int ROUNDS = 60;

    @Test
    void heartbeatUpdatesAreHeapOnlyTupleUpdates() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        TestDatabase.Coordinates db = TestDatabase.fresh();
        try (TestServer server = TestServer.start(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), db, clock)) {
            List<HeartbeatLivenessTest.Agent> agents = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                agents.add(HeartbeatLivenessTest.enroll(server.api(), "hot-" + i));
            }
            for (int round = 0; round < ROUNDS; round++) {
                clock.advance(Duration.ofSeconds(30)); // a new deadline each time, as in a real fleet
                for (HeartbeatLivenessTest.Agent a : agents) {
                    assertThat(HeartbeatLivenessTest.beat(server.api(), a, a.token()).status()).isEqualTo(200);
                }
                server.running().flushHeartbeats(); // one UPDATE per agent per round
            }
            long[] counts = updateCounts(db, AGENTS * ROUNDS);
            // Registration's own updates (pending -> online) are not HOT; they are a handful of the total.
            assertThat((double) counts[1] / counts[0]).as("HOT updates %d of %d on targets", counts[1], counts[0])
                    .isGreaterThanOrEqualTo(0.9);
        }
    }

    /**
     * {n_tup_upd, n_tup_hot_upd} of targets once at least {@code expected} updates are counted: the
     * server's backends flush their statistics on their own schedule (at most about 10 s after going idle).
     */
    private static long[] updateCounts(TestDatabase.Coordinates db, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'targets'")) {
                    rs.next();
                    long[] counts = {rs.getLong(1), rs.getLong(2)};
                    if (counts[0] >= expected || System.nanoTime() > deadline) {
                        assertThat(counts[0]).as("updates counted on targets").isGreaterThanOrEqualTo(expected);
                        return counts;
                    }
                }
                Thread.sleep(250);
            }
        }
    }
}
