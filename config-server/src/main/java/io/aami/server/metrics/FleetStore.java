package io.aami.server.metrics;

import io.aami.server.targets.Target;
import io.aami.server.db.JdbcTimes;
import io.aami.server.results.Staleness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads the fleet's latest state for the Prometheus export: never history, one unsorted pass per
 * table, plain doubles rather than objects (epoch seconds via date_part, not extract, whose numeric
 * result costs a BigDecimal per cell; staleness computed by PostgreSQL), because a scrape may read
 * a hundred thousand rows. The assigned checks are computed here rather than through the policy
 * feature's bundles so that a scrape stays one query, however many targets there are (10,000
 * targets × 9 checks: about 0.7 s of PostgreSQL on a loaded 2-core machine, hash joins only).
 */
final class FleetStore {
    /**
     * {@code lastHeartbeat} and {@code certificateExpiry} are -1 when there is none (never heartbeated; TLS off or
     * enrolled without a certificate); {@code policyRefused} while the last heartbeat reported a {@code policy_error}.
     */
    record AgentRow(String agentId, String hostname, String group, boolean online, double lastHeartbeat, boolean revoked,
                    double certificateExpiry, boolean policyRefused, boolean enrolled) {
    }

    /**
     * {@code status} is -1 and {@code executedAt} -1 while the check has no result yet (then it is stale). The target's
     * hostname and group are its {@link AgentRow}'s, read in the same snapshot: not repeated on each of its checks.
     */
    record CheckRow(String agentId, String check, int status, double durationSeconds, double executedAt, boolean stale) {
        boolean reported() {
            return status >= 0;
        }
    }

    private static final String AGENTS = "SELECT t.id::text, t.hostname, coalesce(g.name, ''), t.status = 'online', "
            + "coalesce(date_part('epoch', t.last_heartbeat_at), -1), t.status = 'revoked', "
            + "coalesce(date_part('epoch', t.certificate_expires_at), -1), t.policy_error IS NOT NULL, "
            + "t.registered_at IS NOT NULL FROM targets t LEFT JOIN groups g ON g.id = t.group_id";

    void agents(Connection c, Consumer<AgentRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AGENTS)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getDouble(5),
                            rs.getBoolean(6), rs.getDouble(7), rs.getBoolean(8), rs.getBoolean(9)));
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
    private static final String ASSIGNED = AssignmentSql.assigned("checks", "check_id");
    private static final String CHECKS = "SELECT a.target_id::text, k.name, coalesce(l.status, -1), "
            + "coalesce(l.duration_ms::float8 / 1000, 0), coalesce(date_part('epoch', l.executed_at), -1), "
            + "t.status <> ? OR l.executed_at IS NULL "
            + "OR least(l.executed_at, l.received_at) < ?::timestamptz - make_interval(secs => ? * k.interval_seconds + k.timeout_seconds) "
            + "FROM (" + ASSIGNED + ") a JOIN checks k ON k.id = a.check_id JOIN targets t ON t.id = a.target_id "
            + "LEFT JOIN check_latest l ON l.target_id = a.target_id AND l.check_id = a.check_id";

    void checks(Connection c, Instant now, Consumer<CheckRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setString(1, Target.ONLINE);
            ps.setObject(2, JdbcTimes.utc(now));
            ps.setInt(3, Staleness.MISSED_INTERVALS);
            for (int i = 4; i <= 6; i++) {
                ps.setString(i, Target.REVOKED);
            }
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new CheckRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getDouble(4), rs.getDouble(5),
                            rs.getBoolean(6)));
                }
            }
        }
    }
}
