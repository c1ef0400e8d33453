package io.aami.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The database side of {@code metrics}: seeds the fleet straight through SQL (one group, its targets
 * online, {@code checksPerTarget} group checks every target runs, a {@code check_latest} row for each, all
 * fresh for an hour), since enrolling 1,000 agents and posting 100,000 results would take minutes and
 * measure ingest instead; then the floor (a plain {@code SELECT} of the same rows), the changes between
 * scrapes, and how often PostgreSQL scanned {@code groups} (renders of servers without a render counter).
 */
final class MetricsSeed {
    /** One changed check: the labels it is exported under and its new status. */
    record Change(String agentId, String hostname, String check, int status) {
        String statusLine() {
            return "aami_check_status{agent_id=\"" + agentId + "\",check=\"" + check + "\",group=\"bench\",hostname=\"" + hostname
                    + "\"} " + (double) status;
        }
    }

    private final ExactlyOnce db;

    MetricsSeed(ExactlyOnce db) {
        this.db = db;
    }

    private static final String GROUP = "INSERT INTO groups (id, name, created_at, updated_at) VALUES (?, 'bench', now(), now())";
    private static final String TARGETS = "INSERT INTO targets (id, hostname, group_id, status, registered_at, last_heartbeat_at, "
            + "offline_after, heartbeat_interval_seconds, created_at, updated_at) SELECT gen_random_uuid(), 'bench-host-' || i, ?, "
            + "'online', now(), now(), now() + interval '1 day', 30, now(), now() FROM generate_series(1, ?) i";
    private static final String CHECKS = "INSERT INTO checks (id, name, interpreter, script, script_sha256, interval_seconds, "
            + "timeout_seconds, scope, group_id, created_at, updated_at) SELECT gen_random_uuid(), 'check-' || i, 'sh', 'true', "
            + "repeat('0', 64), 3600, 10, 'group', ?, now(), now() FROM generate_series(1, ?) i";
    private static final String LATEST = "INSERT INTO check_latest (target_id, check_id, seq, status, exit_code, output, truncated, "
            + "timed_out, duration_ms, executed_at, received_at, epoch) SELECT t.id, k.id, 1, (random() * 3)::int, 0, '', false, false, "
            + "(random() * 5000)::int, now(), now(), gen_random_uuid() FROM targets t JOIN checks k ON k.group_id = t.group_id "
            + "WHERE t.group_id = ?";

    /** Seeds {@code targets} × {@code checksPerTarget}; returns the group's id. */
    UUID seed(int targets, int checksPerTarget) throws SQLException {
        UUID group = UUID.randomUUID();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            exec(c, GROUP, group);
            exec(c, TARGETS, group, targets);
            exec(c, CHECKS, group, checksPerTarget);
            exec(c, LATEST, group);
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE targets; ANALYZE checks; ANALYZE check_latest");
            }
        }
        return group;
    }

    private static final String FLOOR = "SELECT t.id::text, t.hostname, g.name, k.name, l.status, l.duration_ms, l.executed_at, "
            + "l.received_at FROM check_latest l JOIN targets t ON t.id = l.target_id JOIN checks k ON k.id = l.check_id "
            + "LEFT JOIN groups g ON g.id = t.group_id";

    /** The floor: every exported check row read through JDBC and nothing else; returns the rows read. */
    long selectAll() throws SQLException {
        long rows = 0;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false); // a fetch size streams only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(FLOOR)) {
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                        rs.getString(2);
                        rs.getString(3);
                        rs.getString(4);
                        rs.getInt(5);
                        rs.getLong(6);
                        rs.getObject(7, java.time.OffsetDateTime.class);
                        rs.getObject(8, java.time.OffsetDateTime.class);
                        rows++;
                    }
                }
            }
            c.commit();
        }
        return rows;
    }

    private static final String CHANGE = "WITH c AS (SELECT l.target_id, l.check_id FROM check_latest l TABLESAMPLE BERNOULLI (?) "
            + "LIMIT ?) UPDATE check_latest l SET status = (l.status + 1) % 4, seq = l.seq + 1, executed_at = now(), "
            + "received_at = now() FROM c, targets t, checks k WHERE l.target_id = c.target_id AND l.check_id = c.check_id "
            + "AND t.id = l.target_id AND k.id = l.check_id RETURNING t.id::text, t.hostname, k.name, l.status";

    /** What agents reporting would do: {@code n} random checks get a new status now. */
    List<Change> change(int n, int series) throws SQLException {
        List<Change> changed = new ArrayList<>();
        if (n == 0) {
            return changed;
        }
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(CHANGE)) {
            ps.setDouble(1, Math.min(100.0, 200.0 * n / series));
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    changed.add(new Change(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
                }
            }
        }
        return changed;
    }

    /**
     * Scans of {@code groups} so far: a rendering before {@code aami_fleet_renders_total} existed scanned it twice (its
     * agents and its checks query each join it) and nothing else in the run reads it, so renders = scans / 2.
     */
    long groupScans() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'groups'")) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
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
