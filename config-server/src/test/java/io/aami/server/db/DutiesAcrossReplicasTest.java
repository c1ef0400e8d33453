package io.aami.server.db;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one PostgreSQL: a background duty (the liveness sweep, every 300 ms here) runs on exactly one;
 * when the leader's database session dies (what {@code kill -9} of the replica does to it) the other takes the duty
 * over within a period and the old leader, still alive, does not run it any more; when a replica stops, the other
 * takes over too.
 */
@Tag("reliability")
class DutiesAcrossReplicasTest {
    static final String SWEEP = "liveness_sweep";
    static final Map<String, String> ENV = Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "300ms");

    @Test
    void aDutyRunsOnOneReplicaAndMovesWhenItsLeaderDies() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        try (TestServer a = TestServer.start(ENV, db, Clock.systemUTC())) {
            eventually(Duration.ofSeconds(10), () -> leads(a, SWEEP));
            try (TestServer b = TestServer.start(ENV, db, Clock.systemUTC())) {
                double aBefore = runs(a, SWEEP);
                Thread.sleep(1_500);
                assertThat(runs(a, SWEEP)).as("the leader keeps sweeping").isGreaterThan(aBefore + 1);
                assertThat(runs(b, SWEEP)).as("the other replica never sweeps").isZero();
                assertThat(leads(b, SWEEP)).isFalse();

                // The leader's session ends as a killed replica's does: its lock goes with it.
                assertThat(terminateHolder(db, SWEEP)).isEqualTo(1);
                // Within a period on a quiet machine; the bound is for a build sharing two cores with other test JVMs.
                eventually(Duration.ofSeconds(20), () -> runs(b, SWEEP) > 0);
                eventually(Duration.ofSeconds(20), () -> !leads(a, SWEEP));
                double aAfter = runs(a, SWEEP);
                double bAfter = runs(b, SWEEP);
                Thread.sleep(1_500);
                assertThat(runs(a, SWEEP)).as("the old leader, reconnected, finds the lock taken and stops").isEqualTo(aAfter);
                assertThat(runs(b, SWEEP)).as("the new leader sweeps").isGreaterThan(bAfter + 1);
            }
            // b stopped (closing its connection): a leads again within a period.
            double aNow = runs(a, SWEEP);
            eventually(Duration.ofSeconds(20), () -> leads(a, SWEEP) && runs(a, SWEEP) > aNow);
        }
    }

    /** Ends the database session holding the duty's advisory lock; returns how many sessions it ended. */
    static int terminateHolder(TestDatabase.Coordinates db, String duty) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                     + " WHERE locktype = 'advisory' AND classid = ? AND objid = ? AND objsubid = 2 AND granted"
                     + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            ps.setLong(1, Integer.toUnsignedLong(Duties.LOCK_CLASS));
            ps.setLong(2, Integer.toUnsignedLong(Duties.key(duty)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static boolean leads(TestServer s, String duty) {
        return value(s, "aami_duty_leader{duty=\"" + duty + "\"}") == 1;
    }

    static double runs(TestServer s, String duty) {
        return value(s, "aami_duty_runs_total{duty=\"" + duty + "\"}");
    }

    static double value(TestServer s, String series) {
        return s.api().get("/metrics", null).body().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
