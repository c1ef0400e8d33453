package io.aami.server.console;

import io.aami.server.db.JdbcTimes;
import io.aami.server.results.Staleness;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * SQL for the fleet summary: three statements whatever the fleet's size, each one pass over its table (targets,
 * check_latest, probe_latest) with small hash joins. Nothing here is indexed on purpose: every column the targets pass
 * reads is written by heartbeats, which must stay HOT updates (V014, V023), and the result passes read every row
 * anyway. Staleness restates {@link Staleness}'s rule in SQL (as the Prometheus export does): the agent is not online,
 * or the result was executed (never later than it arrived) more than {@link Staleness#MISSED_INTERVALS} × interval +
 * timeout before {@code now}.
 */
final class FleetSummaryStore {
    /** One status's targets and what the overview counts among them. */
    record TargetCounts(long targets, long policyRefused, long certificateExpired, long certificateExpiring, BigDecimal spoolDropped,
                        long spoolDropping, long spoolUnknown) {
    }

    /** One status's latest check results and how many of them are stale. */
    record CheckCounts(long results, long stale) {
    }

    private static final String TARGETS = "SELECT status, count(*), count(*) FILTER (WHERE policy_error IS NOT NULL), "
            + "count(*) FILTER (WHERE certificate_expires_at <= ?), "
            + "count(*) FILTER (WHERE certificate_expires_at > ? AND certificate_expires_at <= ?), "
            + "coalesce(sum(spool_dropped), 0), count(*) FILTER (WHERE spool_dropped > 0), "
            + "count(*) FILTER (WHERE spool_dropped IS NULL AND last_heartbeat_at IS NOT NULL) FROM targets GROUP BY status";

    /** Per target status; a certificate expiring at or before {@code now} has expired, before {@code soon} expires soon. */
    Map<String, TargetCounts> targets(Connection c, Instant now, Instant soon) throws SQLException {
        Map<String, TargetCounts> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS)) {
            ps.setObject(1, JdbcTimes.utc(now));
            ps.setObject(2, JdbcTimes.utc(now));
            ps.setObject(3, JdbcTimes.utc(soon));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new TargetCounts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getBigDecimal(6), rs.getLong(7), rs.getLong(8)));
                }
            }
        }
        return out;
    }

    // Inner joins lose nothing: check_latest's rows cascade with their check and target.
    private static final String CHECKS = "SELECT l.status, count(*), count(*) FILTER (WHERE k.enabled AND t.status <> 'revoked' "
            + "AND (t.status <> 'online' OR least(l.executed_at, l.received_at) "
            + "+ (? * k.interval_seconds + k.timeout_seconds) * interval '1 second' < ?)) "
            + "FROM check_latest l JOIN checks k ON k.id = l.check_id JOIN targets t ON t.id = l.target_id GROUP BY l.status";

    /** Latest check results by their stored status code, with the stale ones among them. */
    Map<Integer, CheckCounts> checks(Connection c, Instant now) throws SQLException {
        Map<Integer, CheckCounts> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setInt(1, Staleness.MISSED_INTERVALS);
            ps.setObject(2, JdbcTimes.utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new CheckCounts(rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    // A probe's timeout counts in whole seconds rounded up (Staleness.probeTimeoutSeconds).
    private static final String STALE_PROBES = "SELECT count(*) FROM probe_latest l JOIN probes p ON p.id = l.probe_id "
            + "JOIN targets t ON t.id = l.target_id WHERE p.enabled AND t.status <> 'revoked' AND (t.status <> 'online' "
            + "OR least(l.executed_at, l.received_at) + (? * p.interval_seconds + ceil(p.timeout_ms / 1000.0)) * interval '1 second' < ?)";

    /** Latest probe results (one per destination) that are stale. */
    long staleProbes(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STALE_PROBES)) {
            ps.setInt(1, Staleness.MISSED_INTERVALS);
            ps.setObject(2, JdbcTimes.utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
