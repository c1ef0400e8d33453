package io.aami.server.console.probes;

import io.aami.server.db.Jsonb;
import io.aami.server.results.Staleness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL for the probe pages and the matrix: whole-page queries, never one per row. Failing results are read through
 * V025's partial index of the failing latest rows ({@code NOT success}); the matrix is one grouped pass.
 */
final class ProbePagesStore {
    static final int MAX_PROBES = 1_000;
    static final int MAX_PAIRS = 500;

    private static final String SELECT = "SELECT p.id, p.name, p.protocol, p.target, tg.name, p.target_port, p.interval_seconds, "
            + "p.timeout_ms, p.scope, g.name, t.hostname, p.labels, p.enabled, p.group_id, t.group_id, t.status FROM probes p "
            + "LEFT JOIN groups g ON g.id = p.group_id LEFT JOIN groups tg ON tg.id = p.target_group_id "
            + "LEFT JOIN targets t ON t.id = p.target_id ";
    private static final String LIST = SELECT + "ORDER BY lower(p.name), p.scope, p.id LIMIT ?";
    private static final String FAILING_BY_PROBE = "SELECT l.probe_id, count(*) FROM probe_latest l "
            + "JOIN targets t ON t.id = l.target_id WHERE NOT l.success AND t.status <> 'revoked' GROUP BY l.probe_id";

    /** Up to {@code limit} probes with their failing counts. */
    List<ProbeRow> probes(Connection c, int limit) throws SQLException {
        Map<UUID, Long> failing = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FAILING_BY_PROBE); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                failing.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        List<ProbeRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs, failing.getOrDefault(rs.getObject(1, UUID.class), 0L)));
                }
            }
        }
        return out;
    }

    // Only probes of the same name (as the policy compares names) decide where a probe runs: see console.Reach.
    private static final String NAMESAKES = SELECT + "WHERE lower(p.name) = (SELECT lower(name) FROM probes WHERE id = ?)";

    /** Every probe with the name of probe {@code id} (it included), without their counts. */
    List<ProbeRow> namesakes(Connection c, UUID id) throws SQLException {
        List<ProbeRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(NAMESAKES)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs, 0));
                }
            }
        }
        return out;
    }

    private static final String FAILING_OF = "SELECT count(*) FROM probe_latest l JOIN targets t ON t.id = l.target_id "
            + "WHERE l.probe_id = ? AND NOT l.success AND t.status <> 'revoked'";

    /** How many of probe {@code id}'s latest results from live sources fail: one query. */
    long failingOf(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FAILING_OF)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static ProbeRow row(ResultSet rs, long failing) throws SQLException {
        return new ProbeRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getString(9), rs.getString(10), rs.getString(11),
                Jsonb.map(rs, "labels"), rs.getBoolean(13), failing, rs.getObject(14, UUID.class), rs.getObject(15, UUID.class),
                rs.getString(16) != null && !rs.getString(16).equals("revoked"), 0);
    }

    // A result is stale as results.Staleness says: its source not online, or judged older than MISSED_INTERVALS
    // intervals and the timeout (rounded up to seconds).
    private static final String STALE = "(s.status <> 'online' OR least(l.executed_at, l.received_at) < ?::timestamptz "
            + "- make_interval(secs => ? * p.interval_seconds + ceil(p.timeout_ms / 1000.0)))";
    private static final String DEST_KEY = "CASE WHEN d.id IS NULL THEN 'outside' ELSE coalesce(d.group_id::text, 'none') END";
    // Grouped by the uuids (hashed in memory), not by the keys' text (sorted, spilling to disk past a few 100,000 rows).
    private static final String MATRIX = "SELECT s.group_id, d.id IS NULL, d.group_id, "
            + "count(*) FILTER (WHERE l.success), count(*) FILTER (WHERE NOT l.success), count(*) FILTER (WHERE " + STALE + ") "
            + "FROM probe_latest l JOIN targets s ON s.id = l.target_id JOIN probes p ON p.id = l.probe_id "
            + "LEFT JOIN targets d ON d.id = l.destination_target_id WHERE s.status <> 'revoked' AND p.enabled GROUP BY 1, 2, 3";

    /** Every source group × destination group with results of enabled probes from live sources. */
    List<MatrixCell> matrix(Connection c, Instant now) throws SQLException {
        List<MatrixCell> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MATRIX)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setInt(2, Staleness.MISSED_INTERVALS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String destination = rs.getBoolean(2) ? MatrixCell.OUTSIDE : key(rs.getObject(3, UUID.class));
                    out.add(new MatrixCell(key(rs.getObject(1, UUID.class)), destination, rs.getLong(4), rs.getLong(5),
                            rs.getLong(6)));
                }
            }
        }
        return out;
    }

    private static String key(UUID group) {
        return group == null ? MatrixCell.NONE : group.toString();
    }

    private static final String PAIRS = "SELECT s.id, s.hostname, s.status, d.id, coalesce(d.hostname, l.target), l.target_port, "
            + "l.protocol, p.id, p.name, l.reason, l.executed_at, l.received_at, p.interval_seconds, p.timeout_ms "
            + "FROM probe_latest l JOIN targets s ON s.id = l.target_id JOIN probes p ON p.id = l.probe_id "
            + "LEFT JOIN targets d ON d.id = l.destination_target_id WHERE NOT l.success AND s.status <> 'revoked' ";
    private static final String ORDER = " ORDER BY s.hostname, s.id, l.target, l.target_port, p.name LIMIT ?";
    private static final String PAIRS_OF_PROBE = PAIRS + "AND l.probe_id = ?" + ORDER;
    private static final String PAIRS_OF_CELL = PAIRS + "AND p.enabled AND coalesce(s.group_id::text, 'none') = ? AND "
            + DEST_KEY + " = ?" + ORDER;

    /** The failing latest results of one probe. */
    List<FailingPair> pairsOfProbe(Connection c, UUID probeId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PAIRS_OF_PROBE)) {
            ps.setObject(1, probeId);
            ps.setInt(2, MAX_PAIRS);
            return pairs(ps, now);
        }
    }

    /** The failing latest results of one matrix cell (keys as {@link MatrixCell}'s). */
    List<FailingPair> pairsOfCell(Connection c, String source, String destination, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PAIRS_OF_CELL)) {
            ps.setString(1, source);
            ps.setString(2, destination);
            ps.setInt(3, MAX_PAIRS);
            return pairs(ps, now);
        }
    }

    private static List<FailingPair> pairs(PreparedStatement ps, Instant now) throws SQLException {
        List<FailingPair> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant executed = rs.getTimestamp(11).toInstant();
                Instant received = rs.getTimestamp(12).toInstant();
                boolean stale = Staleness.stale("online".equals(rs.getString(3)), executed, received, rs.getInt(13),
                        Staleness.probeTimeoutSeconds(rs.getInt(14)), now);
                out.add(new FailingPair(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(4, UUID.class), rs.getString(5),
                        rs.getInt(6), rs.getString(7), rs.getObject(8, UUID.class), rs.getString(9), rs.getString(10),
                        Math.max(0, Duration.between(Staleness.judgedAt(executed, received), now).toSeconds()), stale));
            }
        }
        return out;
    }
}
