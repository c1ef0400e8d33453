package io.aami.server.metrics;

import io.aami.server.targets.Target;
import io.aami.server.results.Staleness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads the fleet's latest state for the Prometheus export: never history, one unsorted pass per
 * table, plain doubles rather than objects (epoch seconds via date_part, not extract, whose numeric
 * result costs a BigDecimal per cell; staleness computed by PostgreSQL), because a scrape may read
 * a hundred thousand rows. The assigned checks are computed here rather than through the policy
 * feature's bundles so that a scrape stays one query per table, however many targets there are.
 */
final class FleetStore {
    record AgentRow(String agentId, String hostname, String group, boolean online, double lastHeartbeat) {
    }

    /** {@code status} is -1 and {@code executedAt} -1 while the check has no result yet (then it is stale). */
    record CheckRow(String agentId, String hostname, String group, String check, int status, double durationSeconds,
                    double executedAt, boolean stale) {
        boolean reported() {
            return status >= 0;
        }
    }

    private static final String AGENTS = "SELECT t.id::text, t.hostname, coalesce(g.name, ''), t.status = 'online', "
            + "coalesce(date_part('epoch', t.last_heartbeat_at), -1) FROM targets t LEFT JOIN groups g ON g.id = t.group_id";

    void agents(Connection c, Consumer<AgentRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AGENTS)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getDouble(5)));
                }
            }
        }
    }

    /*
     * Every check each target should run, as its policy bundle holds it (policy.PolicyContent: enabled,
     * global, its group's and its own, one per name, target beating group beating global), LEFT JOINed
     * to its latest result, so a check has series from the moment it is assigned. Revoked targets run
     * nothing. Staleness's rule with its parameters bound: the agent is not online, no result yet, or
     * the result was executed (never later than it arrived) more than N x interval + timeout ago.
     */
    private static final String CHECKS = "SELECT a.id::text, a.hostname, a.grp, a.name, coalesce(l.status, -1), "
            + "coalesce(l.duration_ms::float8 / 1000, 0), coalesce(date_part('epoch', l.executed_at), -1), "
            + "a.status <> ? OR l.executed_at IS NULL "
            + "OR least(l.executed_at, l.received_at) < ?::timestamptz - make_interval(secs => ? * a.interval_seconds + a.timeout_seconds) "
            + "FROM (SELECT DISTINCT ON (t.id, lower(k.name)) t.id, t.hostname, t.status, coalesce(g.name, '') AS grp, "
            + "k.id AS check_id, k.name, k.interval_seconds, k.timeout_seconds "
            + "FROM targets t JOIN checks k ON k.enabled AND (k.scope = 'global' OR (k.scope = 'group' AND k.group_id = t.group_id) "
            + "OR (k.scope = 'target' AND k.target_id = t.id)) LEFT JOIN groups g ON g.id = t.group_id WHERE t.status <> ? "
            + "ORDER BY t.id, lower(k.name), CASE k.scope WHEN 'target' THEN 0 WHEN 'group' THEN 1 ELSE 2 END) a "
            + "LEFT JOIN check_latest l ON l.target_id = a.id AND l.check_id = a.check_id";

    void checks(Connection c, Instant now, Consumer<CheckRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setString(1, Target.ONLINE);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, Staleness.MISSED_INTERVALS);
            ps.setString(4, Target.REVOKED);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new CheckRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getDouble(6), rs.getDouble(7), rs.getBoolean(8)));
                }
            }
        }
    }
}
