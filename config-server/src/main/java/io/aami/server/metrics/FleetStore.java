package io.aami.server.metrics;

import io.aami.server.targets.Target;
import io.aami.server.results.Staleness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the fleet's latest state for the Prometheus export: never history, one unsorted pass per
 * table, plain doubles rather than objects (epoch seconds via date_part, not extract, whose numeric
 * result costs a BigDecimal per cell; staleness computed by PostgreSQL), because a scrape may read
 * a hundred thousand rows. The assigned checks are computed here ({@link CheckAssignment}, per group)
 * rather than through the policy feature's bundles so that a scrape stays a few reads, however many
 * targets there are: no join of the assignment to the results in PostgreSQL, which cost twice a plain
 * SELECT of the results at 100,000 series. {@link CheckBlocks} decides which targets' results are read.
 */
final class FleetStore {
    /**
     * {@code lastHeartbeat} and {@code certificateExpiry} are -1 when there is none (never heartbeated; TLS off or
     * enrolled without a certificate); {@code policyRefused} while the last heartbeat reported a {@code policy_error}.
     */
    record AgentRow(String agentId, String hostname, String group, boolean online, double lastHeartbeat, boolean revoked,
                    double certificateExpiry, boolean policyRefused, boolean enrolled) {
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
     * The assigned checks are worked out per group in memory (CheckAssignment) from the enabled checks (a few hundred
     * rows at most) and the targets, and check_latest is read in one unsorted pass (or only the targets whose results
     * changed, by their key) joined only to the checks (a small hash) for staleness's time rule: the result was
     * executed (never later than it arrived) more than N x interval + timeout ago. That instant is read, not compared
     * here, so a kept rendering can tell when it turns stale (CheckBlocks).
     */
    private static final String DEFINITIONS = "SELECT id::text, name, scope, group_id::text, target_id::text, interval_seconds, "
            + "timeout_seconds FROM checks WHERE enabled";
    private static final String TARGETS = "SELECT id::text, group_id::text, status FROM targets WHERE status <> ?";
    private static final String LATEST = "SELECT l.target_id::text, l.check_id::text, l.status, l.duration_ms::float8 / 1000, "
            + "date_part('epoch', l.executed_at), "
            + "date_part('epoch', least(l.executed_at, l.received_at)) + ? * k.interval_seconds + k.timeout_seconds "
            + "FROM check_latest l JOIN checks k ON k.id = l.check_id WHERE k.enabled";
    private static final String LATEST_OF = LATEST + " AND l.target_id = ANY(?::uuid[])";
    // Every transaction with a lower id had finished when this snapshot was taken (V017).
    private static final String SNAPSHOT_XMIN = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text";
    // The pairs a transaction at or above the previous rendering's snapshot xmin changed (V018), each with its result
    // now, or nulls where it has none (deleted, or its check disabled): one filtered pass inside PostgreSQL, only the
    // changed pairs' rows leave it.
    private static final String CHANGED_SINCE = "SELECT ch.target_id::text, ch.check_id::text, k.id IS NOT NULL, l.status, "
            + "l.duration_ms::float8 / 1000, date_part('epoch', l.executed_at), "
            + "date_part('epoch', least(l.executed_at, l.received_at)) + ? * k.interval_seconds + k.timeout_seconds "
            + "FROM check_latest_check_changes ch LEFT JOIN check_latest l ON l.target_id = ch.target_id AND l.check_id = ch.check_id "
            + "LEFT JOIN checks k ON k.id = l.check_id AND k.enabled WHERE ch.changed_xid >= ?::xid8";

    /** A check's latest result; it turns stale (by time) once {@code lateAt} (epoch seconds) has passed. */
    record Latest(int status, double durationSeconds, double executedAt, double lateAt) {
    }

    /** A target that runs checks (not revoked); {@code groupId} null when in no group. */
    record TargetRow(String id, String groupId, boolean online) {
    }

    List<CheckAssignment.Check> definitions(Connection c) throws SQLException {
        List<CheckAssignment.Check> enabled = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DEFINITIONS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                enabled.add(new CheckAssignment.Check(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getInt(7)));
            }
        }
        return enabled;
    }

    List<TargetRow> targets(Connection c) throws SQLException {
        List<TargetRow> targets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS)) {
            ps.setString(1, Target.REVOKED);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(new TargetRow(rs.getString(1), rs.getString(2), Target.ONLINE.equals(rs.getString(3))));
                }
            }
        }
        return targets;
    }

    /** The xmin of this transaction's snapshot, for {@link #changedSince} in a later one. */
    String snapshotXmin(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SNAPSHOT_XMIN); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The (target, check) pairs whose latest result a transaction at or above {@code xmin} changed (V018's trigger), by
     * target and check, each with its result as this snapshot has it, or null where it has none.
     */
    Map<String, Map<String, Latest>> changedSince(Connection c, String xmin) throws SQLException {
        Map<String, Map<String, Latest>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CHANGED_SINCE)) {
            ps.setInt(1, Staleness.MISSED_INTERVALS);
            ps.setString(2, xmin);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Latest r = rs.getBoolean(3) ? new Latest(rs.getInt(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7)) : null;
                    out.computeIfAbsent(rs.getString(1), t -> new HashMap<>()).put(rs.getString(2), r);
                }
            }
        }
        return out;
    }

    /**
     * Latest results by target and check, of {@code only} those targets (null: all, in one plain pass), streamed
     * (fetch size) rather than buffered by the driver.
     */
    Map<String, Map<String, Latest>> latest(Connection c, Collection<String> only) throws SQLException {
        Map<String, Map<String, Latest>> latest = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(only == null ? LATEST : LATEST_OF)) {
            ps.setInt(1, Staleness.MISSED_INTERVALS);
            if (only != null) {
                ps.setArray(2, c.createArrayOf("uuid", only.toArray()));
            }
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    latest.computeIfAbsent(rs.getString(1), t -> new HashMap<>())
                            .put(rs.getString(2), new Latest(rs.getInt(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)));
                }
            }
        }
        return latest;
    }
}
