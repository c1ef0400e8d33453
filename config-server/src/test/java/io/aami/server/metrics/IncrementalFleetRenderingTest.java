package io.aami.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.db.Database;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A rendering that keeps each target's check lines ({@link CheckBlocks}) writes exactly what a full one would, after
 * any change, and makes anew only the lines of targets that changed: through SQL, by a transaction still open during
 * the previous rendering (as another replica's ingest may be), by the target itself, by time, or by the definitions.
 */
class IncrementalFleetRenderingTest {
    private static final int TARGETS = 20;
    private static final int CHECKS = 5;

    @Test
    void keptLinesAreAFullRenderingsAndOnlyChangedTargetsAreRenderedAgain() throws Exception {
        inSeededFleet((db, clock, targets, kept, incremental) -> {
            assertSameAsFull(db, clock, incremental);
            assertThat(kept.targetsRendered()).as("first rendering: every target").isEqualTo(TARGETS);
            assertSameAsFull(db, clock, incremental);
            assertThat(kept.targetsRendered()).as("nothing changed").isZero();

            Random random = new Random(14);
            for (int round = 0; round < 5; round++) {
                Set<UUID> changed = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    UUID t = targets.get(random.nextInt(TARGETS));
                    changed.add(t);
                    sql(db, "UPDATE check_latest SET status = (status + 1) % 4, duration_ms = duration_ms + 7 WHERE target_id = ? "
                            + "AND check_id = (SELECT check_id FROM check_latest WHERE target_id = ? ORDER BY check_id LIMIT 1)", t, t);
                }
                String text = assertSameAsFull(db, clock, incremental);
                exactly(kept.targetsRendered(), changed.size(), "round " + round + ": the changed targets only");
                exactly(kept.checksRendered(), changed.size(), "round " + round + ": the changed checks only");
                assertThat(text).contains("aami_check_status{");
            }

            // Another replica's ingest, still open while this one renders, committed afterwards.
            try (Connection other = db.dataSource().getConnection()) {
                other.setAutoCommit(false);
                try (PreparedStatement ps = other.prepareStatement("UPDATE check_latest SET status = 3 WHERE target_id = ?")) {
                    ps.setObject(1, targets.get(0));
                    ps.executeUpdate();
                }
                assertSameAsFull(db, clock, incremental);
                other.commit();
            }
            String afterCommit = assertSameAsFull(db, clock, incremental);
            assertThat(kept.targetsRendered()).as("committed after the previous rendering's snapshot").isEqualTo(1);
            assertThat(kept.checksRendered()).as("its %d results, not its check without one", CHECKS - 1).isEqualTo(CHECKS - 1);
            assertThat(afterCommit).contains("aami_check_status{agent_id=\"" + targets.get(0) + "\",check=\"check-1\",group=\"g\",hostname=\"host-1\"} 3.0");

            sql(db, "UPDATE targets SET status = 'offline' WHERE id = ?", targets.get(1));
            assertSameAsFull(db, clock, incremental);
            assertThat(kept.targetsRendered()).as("a target gone offline: its lines turn stale").isEqualTo(1);
            assertThat(kept.checksRendered()).as("all of its lines").isEqualTo(CHECKS);

            clock.advance(Duration.ofSeconds(2 * 60 + 10 + 1));
            assertSameAsFull(db, clock, incremental);
            assertThat(kept.targetsRendered()).as("results late by time, online targets").isEqualTo(TARGETS - 1);
            assertThat(kept.checksRendered()).as("their checks with a result").isEqualTo((TARGETS - 1) * (CHECKS - 1));
            assertSameAsFull(db, clock, incremental);
            assertThat(kept.targetsRendered()).isZero();

            sql(db, "UPDATE checks SET name = 'renamed' WHERE name = 'check-2'");
            assertThat(assertSameAsFull(db, clock, incremental)).contains("check=\"renamed\"");
            assertThat(kept.targetsRendered()).as("definitions changed: everything").isEqualTo(TARGETS);
        });
    }

    @Test
    void randomChangesOfSingleChecksRenderOnlyThoseChecksAndTheTextStaysAFullRenderings() throws Exception {
        inSeededFleet((db, clock, targets, kept, incremental) -> {
            List<UUID> checks = db.withConnection(c -> ids(c, "SELECT id FROM checks ORDER BY name"));
            assertSameAsFull(db, clock, incremental);
            Random random = new Random(20);
            for (int round = 0; round < 40; round++) {
                Set<String> pairs = new HashSet<>();
                boolean wholeTarget = false;
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    UUID t = targets.get(random.nextInt(TARGETS));
                    UUID k = checks.get(random.nextInt(CHECKS));
                    int rows = switch (random.nextInt(5)) {
                        case 0 -> sql(db, "DELETE FROM check_latest WHERE target_id = ? AND check_id = ?", t, k);
                        case 1 -> {
                            wholeTarget = true;
                            yield sql(db, "UPDATE targets SET status = CASE status WHEN 'online' THEN 'offline' ELSE 'online' END "
                                    + "WHERE id = ?", t);
                        }
                        default -> sql(db, "INSERT INTO check_latest (target_id, check_id, seq, status, exit_code, output, "
                                + "truncated, timed_out, duration_ms, executed_at, received_at, epoch) VALUES (?, ?, 1, ?, 0, '', "
                                + "false, false, ?, ?, ?, gen_random_uuid()) ON CONFLICT (target_id, check_id) DO UPDATE SET "
                                + "status = EXCLUDED.status, duration_ms = EXCLUDED.duration_ms, executed_at = EXCLUDED.executed_at",
                                t, k, random.nextInt(4), random.nextInt(9000), Timestamp.from(clock.instant()),
                                Timestamp.from(clock.instant()));
                    };
                    if (rows > 0) {
                        pairs.add(t + "/" + k);
                    }
                }
                if (random.nextInt(8) == 0) {
                    clock.advance(Duration.ofSeconds(50 + random.nextInt(100)));
                    wholeTarget = true; // results turning stale by time: any number of checks
                }
                assertSameAsFull(db, clock, incremental);
                if (!wholeTarget) {
                    exactly(kept.checksRendered(), pairs.size(), "round " + round + ": the changed checks only");
                }
            }

            // A transaction still open during a rendering (another replica's ingest) changes one check; it is
            // rendered by the rendering after its commit, and only that check.
            clock.advance(Duration.ofSeconds(1));
            sql(db, "UPDATE targets SET status = 'online'");
            sql(db, "UPDATE check_latest SET executed_at = ?, received_at = ?", Timestamp.from(clock.instant()),
                    Timestamp.from(clock.instant()));
            assertSameAsFull(db, clock, incremental);
            try (Connection other = db.dataSource().getConnection()) {
                other.setAutoCommit(false);
                try (PreparedStatement ps = other.prepareStatement("INSERT INTO check_latest (target_id, check_id, seq, "
                        + "status, exit_code, output, truncated, timed_out, duration_ms, executed_at, received_at, epoch) "
                        + "VALUES (?, ?, 1, 3, 0, '', false, false, 5, now(), now(), gen_random_uuid()) "
                        + "ON CONFLICT (target_id, check_id) DO UPDATE SET status = 3")) {
                    ps.setObject(1, targets.get(2));
                    ps.setObject(2, checks.get(0));
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                assertSameAsFull(db, clock, incremental);
                other.commit();
            }
            assertThat(assertSameAsFull(db, clock, incremental)).contains("aami_check_status{agent_id=\"" + targets.get(2)
                    + "\",check=\"check-1\",group=\"g\",hostname=\"host-11\"} 3.0");
            assertThat(kept.checksRendered()).as("committed after the previous rendering's snapshot").isEqualTo(1);

            // Deleting a target leaves no change marks behind (the cascade's trigger drops them).
            sql(db, "DELETE FROM targets WHERE id = ?", targets.get(3));
            List<UUID> marks = db.withConnection(c -> ids(c, "SELECT target_id FROM check_latest_check_changes "
                    + "WHERE target_id = '" + targets.get(3) + "'"));
            assertThat(marks).isEmpty();
            assertSameAsFull(db, clock, incremental);
        });
    }

    /** A test body given a seeded fleet and an incremental rendering of it that has not rendered yet. */
    private interface SeededFleet {
        void run(Database db, MutableClock clock, List<UUID> targets, FleetCollector kept, FleetExposition incremental)
                throws Exception;
    }

    /** Runs {@code body} against a server on a fresh database holding {@link #seed}'s fleet, on a clock the body moves. */
    private static void inSeededFleet(SeededFleet body) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        TestDatabase.Coordinates coords = TestDatabase.fresh();
        try (TestServer s = TestServer.start(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), coords, clock);
             Database db = Database.connect(coords.url(), coords.user(), coords.password(), 2)) {
            List<UUID> targets = seed(db, clock);
            FleetCollector kept = new FleetCollector();
            body.run(db, clock, targets, kept, new FleetExposition(db, List.of(kept), Duration.ZERO, clock));
        }
    }

    private static List<UUID> ids(Connection c, String sql) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    /** Whether no transaction held an xid just before the previous and the last incremental rendering. */
    private static boolean previousQuiet;
    private static boolean lastQuiet;

    /**
     * {@code actual == expected}, when nothing else ran in the cluster as the previous rendering took its snapshot. A
     * transaction elsewhere on the shared PostgreSQL then (an autoanalyze of the rows these rounds update, another test's
     * database) holds that snapshot's xmin back, and the next rendering takes the changes made since it again: more
     * lines made anew, the same text (CI once saw 3 for 1). Then only at least {@code expected}.
     */
    private static void exactly(int actual, int expected, String what) {
        if (previousQuiet) {
            assertThat(actual).as(what).isEqualTo(expected);
        } else {
            assertThat(actual).as(what + " (or more: a transaction elsewhere during the previous rendering)").isGreaterThanOrEqualTo(expected);
        }
    }

    /** No transaction with an xid in progress anywhere in the cluster (this read-only one takes none). */
    private static boolean quiet(Database db) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot()) = pg_snapshot_xmax(pg_current_snapshot())");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    /** Renders with {@code incremental} and with a new, empty collector; both must write the same bytes. */
    private static String assertSameAsFull(Database db, MutableClock clock, FleetExposition incremental) throws IOException {
        boolean quiet = quiet(db);
        String kept = text(incremental);
        previousQuiet = lastQuiet;
        lastQuiet = quiet;
        String full = text(new FleetExposition(db, List.of(new FleetCollector()), Duration.ZERO, clock));
        assertThat(kept).isEqualTo(full);
        return kept;
    }

    private static String text(FleetExposition e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.current().text().writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<UUID> seed(Database db, MutableClock clock) {
        UUID group = UUID.randomUUID();
        Timestamp now = Timestamp.from(clock.instant());
        sql(db, "INSERT INTO groups (id, name, created_at, updated_at) VALUES (?, 'g', now(), now())", group);
        sql(db, "INSERT INTO targets (id, hostname, group_id, status, registered_at, last_heartbeat_at, offline_after, "
                + "heartbeat_interval_seconds, created_at, updated_at) SELECT gen_random_uuid(), 'host-' || i, ?, 'online', ?, ?, "
                + "?::timestamptz + interval '1 day', 30, now(), now() FROM generate_series(1, ?) i", group, now, now, now, TARGETS);
        sql(db, "INSERT INTO checks (id, name, interpreter, script, script_sha256, interval_seconds, timeout_seconds, scope, group_id, "
                + "created_at, updated_at) SELECT gen_random_uuid(), 'check-' || i, 'sh', 'true', repeat('0', 64), 60, 10, 'group', ?, "
                + "now(), now() FROM generate_series(1, ?) i", group, CHECKS);
        // One check of each target has no result yet.
        sql(db, "INSERT INTO check_latest (target_id, check_id, seq, status, exit_code, output, truncated, timed_out, duration_ms, "
                + "executed_at, received_at, epoch) SELECT t.id, k.id, 1, (random() * 3)::int, 0, '', false, false, "
                + "(random() * 5000)::int, ?, ?, gen_random_uuid() FROM targets t JOIN checks k ON k.group_id = t.group_id "
                + "WHERE k.name <> 'check-" + CHECKS + "'", now, now);
        return db.withConnection(c -> ids(c, "SELECT id FROM targets ORDER BY hostname"));
    }

    private static int sql(Database db, String sql, Object... params) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }
}
