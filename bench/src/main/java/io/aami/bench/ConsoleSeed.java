package io.aami.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The database side of {@code console}: a fleet written straight through SQL, as {@link MetricsSeed} does for
 * {@code metrics} (enrolling 50,000 agents would measure enrollment), but grown in steps so one run can count a page's
 * statements at two sizes. One group with {@code checksPerTarget} checks and one probe; each target gets a latest result
 * of every check and of the probe; a few targets are offline, refuse their policy, dropped results or did not say
 * (older agents), certificates expire over the next month and some results are stale, so every count of the overview
 * has rows to find.
 */
final class ConsoleSeed {
    private static final int PER_STATEMENT = 10_000;

    private final ExactlyOnce db;
    private final UUID group = UUID.randomUUID();
    private final UUID probe = UUID.randomUUID();
    private int targets;

    ConsoleSeed(ExactlyOnce db) {
        this.db = db;
    }

    private static final String GROUP = "INSERT INTO groups (id, name, created_at, updated_at) VALUES (?, 'console-bench', now(), now())";
    private static final String CHECKS = "INSERT INTO checks (id, name, interpreter, script, script_sha256, interval_seconds, "
            + "timeout_seconds, scope, group_id, created_at, updated_at) SELECT gen_random_uuid(), 'check-' || i, 'sh', 'true', "
            + "repeat('0', 64), 60, 10, 'group', ?, now(), now() FROM generate_series(1, ?) i";
    private static final String PROBE = "INSERT INTO probes (id, name, target, target_port, protocol, timeout_ms, interval_seconds, "
            + "scope, group_id, created_at, updated_at) VALUES (?, 'dns', 'dns.example', 53, 'TCP', 500, 60, 'group', ?, now(), now())";

    /** The group, its checks and its probe. */
    void prepare(int checksPerTarget) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            exec(c, GROUP, group);
            exec(c, CHECKS, group, checksPerTarget);
            exec(c, PROBE, probe, group);
            c.commit();
        }
    }

    // Targets i: every 50th offline, every 200th refusing its policy, every 100th dropped 1-7 results, every 10th
    // else an older agent (spool_dropped unknown); certificates end over the next 30 days; 2 % of results an hour old.
    private static final String TARGETS = "WITH t AS (INSERT INTO targets (id, hostname, group_id, status, registered_at, "
            + "last_heartbeat_at, offline_after, heartbeat_interval_seconds, created_at, updated_at, policy_error, "
            + "certificate_expires_at, spool_dropped) SELECT gen_random_uuid(), 'bench-host-' || i, ?, "
            + "CASE WHEN i % 50 = 0 THEN 'offline' ELSE 'online' END, now(), now(), now() + interval '1 day', 30, now(), now(), "
            + "CASE WHEN i % 200 = 0 THEN 'bundle signature does not verify' END, now() + (i % 30) * interval '1 day' + interval '1 hour', "
            + "CASE WHEN i % 100 = 0 THEN i % 7 + 1 WHEN i % 10 = 0 THEN NULL ELSE 0 END FROM generate_series(?, ?) i RETURNING id), "
            + "c AS (INSERT INTO check_latest (target_id, check_id, seq, status, exit_code, output, truncated, timed_out, duration_ms, "
            + "executed_at, received_at, epoch) SELECT t.id, k.id, 1, (random() * 3)::int, 0, '', false, false, (random() * 5000)::int, "
            + "now() - CASE WHEN random() < 0.02 THEN interval '1 hour' ELSE interval '0' END, now(), gen_random_uuid() "
            + "FROM t CROSS JOIN checks k WHERE k.group_id = ?) "
            + "INSERT INTO probe_latest (target_id, probe_id, dest_key, seq, target, target_port, protocol, success, reason, total_ms, "
            + "executed_at, received_at, epoch) SELECT t.id, ?, 'dns.example', 1, 'dns.example', 53, 'TCP', true, 'ok', 1.5, now(), "
            + "now(), gen_random_uuid() FROM t";

    /** A connection for the peer's queries, kept for the run as the server keeps its pool. */
    Connection connect() throws SQLException {
        return db.connect();
    }

    /** Adds targets until the fleet holds {@code total}, then refreshes the planner's statistics. */
    void growTo(int total) throws SQLException {
        try (Connection c = db.connect()) {
            for (int from = targets + 1; from <= total; from += PER_STATEMENT) {
                exec(c, TARGETS, group, from, Math.min(total, from + PER_STATEMENT - 1), group, probe);
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE targets; ANALYZE check_latest; ANALYZE probe_latest");
            }
        }
        targets = total;
    }

    private static final String PEER_SUMMARY = "SELECT (SELECT count(*) FROM targets), (SELECT count(*) FROM check_latest), "
            + "(SELECT count(*) FROM probe_latest)";

    /** The summary's peer: one plain pass over the same rows (targets, latest check and probe results); their total. */
    static long countSummaryRows(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PEER_SUMMARY); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) + rs.getLong(2) + rs.getLong(3);
        }
    }

    private static final String PEER_LIST = "SELECT id, hostname, status, group_id, labels, last_heartbeat_at, agent_version "
            + "FROM targets ORDER BY hostname, id LIMIT 50";

    /** A list page's peer: the first 50 targets by hostname, read to the client; the rows read. */
    static int listRows(Connection c) throws SQLException {
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement(PEER_LIST); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rs.getString(2);
                rs.getString(5);
                n++;
            }
        }
        return n;
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
