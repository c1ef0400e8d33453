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
 * SQL for the fleet summary: four statements whatever the fleet's size: one pass over each of targets, check_latest and
 * probe_latest (with a hash of the few check or probe definitions), and one look at the targets not online. Nothing here is indexed on purpose: every column the targets pass
 * reads is written by heartbeats, which must stay HOT updates (V014, V023), and the result passes read every row
 * anyway. Staleness restates {@link Staleness}'s rule in SQL (as the Prometheus export does): the agent is not online,
 * or the result was executed (never later than it arrived) more than {@link Staleness#MISSED_INTERVALS} × interval +
 * timeout before {@code now}.
 */
final class FleetSummaryStore {
    /** One status's targets and what the overview counts among them. */
    record TargetCounts(long targets, long policyRefused, long certificateExpired, long certificateExpiring,
                        long certificatePastRenewal, BigDecimal spoolDropped, long spoolDropping, long spoolUnknown) {
    }

    /** One status's latest check results and how many of them are late by time. */
    record CheckCounts(long results, long late) {
    }

    private static final String TARGETS = "SELECT status, count(*), count(*) FILTER (WHERE policy_error IS NOT NULL), "
            + "count(*) FILTER (WHERE certificate_expires_at <= ?), "
            + "count(*) FILTER (WHERE certificate_expires_at > ? AND certificate_expires_at <= ?), "
            + "count(*) FILTER (WHERE certificate_expires_at > ? AND certificate_expires_at <= ?), "
            + "coalesce(sum(spool_dropped), 0), count(*) FILTER (WHERE spool_dropped > 0), "
            + "count(*) FILTER (WHERE spool_dropped IS NULL AND last_heartbeat_at IS NOT NULL) FROM targets GROUP BY status";

    /**
     * Per target status; a certificate expiring at or before {@code now} has expired, before {@code soon} expires soon,
     * before {@code renewalMissed} is past its renewal.
     */
    Map<String, TargetCounts> targets(Connection c, Instant now, Instant soon, Instant renewalMissed) throws SQLException {
        Map<String, TargetCounts> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS)) {
            ps.setObject(1, JdbcTimes.utc(now));
            ps.setObject(2, JdbcTimes.utc(now));
            ps.setObject(3, JdbcTimes.utc(soon));
            ps.setObject(4, JdbcTimes.utc(now));
            ps.setObject(5, JdbcTimes.utc(renewalMissed));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new TargetCounts(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getBigDecimal(7), rs.getLong(8), rs.getLong(9)));
                }
            }
        }
        return out;
    }

    // Each check's lateness bound is computed once (a 5-row hash), so a row costs a comparison: a result is late when it was
    // executed (never later than it arrived) before its check's bound. Inner joins lose nothing: rows cascade with checks.
    private static final String CHECKS = "SELECT l.status, count(*), count(*) FILTER (WHERE k.enabled AND least(l.executed_at, "
            + "l.received_at) < k.late) FROM check_latest l JOIN (SELECT id, enabled, ?::timestamptz - (? * interval_seconds "
            + "+ timeout_seconds) * interval '1 second' AS late FROM checks) k ON k.id = l.check_id GROUP BY l.status";

    /** Latest check results by their stored status code, with those of enabled checks late by time among them (any target). */
    Map<Integer, CheckCounts> checks(Connection c, Instant now) throws SQLException {
        Map<Integer, CheckCounts> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setObject(1, JdbcTimes.utc(now));
            ps.setInt(2, Staleness.MISSED_INTERVALS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), new CheckCounts(rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    // A probe's timeout counts in whole seconds rounded up (Staleness.probeTimeoutSeconds).
    private static final String LATE_PROBES = "SELECT count(*) FROM probe_latest l JOIN (SELECT id, ?::timestamptz - (? * "
            + "interval_seconds + ceil(timeout_ms / 1000.0)) * interval '1 second' AS late FROM probes WHERE enabled) p "
            + "ON p.id = l.probe_id WHERE least(l.executed_at, l.received_at) < p.late";

    /** Latest probe results (one per destination) of enabled probes late by time, on any target. */
    long lateProbes(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LATE_PROBES)) {
            ps.setObject(1, JdbcTimes.utc(now));
            ps.setInt(2, Staleness.MISSED_INTERVALS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The late counts above are of every target; staleness also needs the agent online and leaves revoked targets out.
     * Those are the few targets not online, read by the status index, each one's results by its key (OFFSET 0 keeps each
     * lookup an index scan rather than one more pass over every result): results of targets not online and not revoked
     * that are not late (stale all the same), and late results of revoked targets (not counted).
     */
    record Corrections(long checksQuietNotLate, long checksRevokedLate, long probesQuietNotLate, long probesRevokedLate) {
    }

    private static final String QUIET = "targets t CROSS JOIN LATERAL (SELECT least(l.executed_at, l.received_at) < ?::timestamptz"
            + " - (? * x.interval_seconds + %s) * interval '1 second' AS late FROM %s l JOIN %s x ON x.id = l.%s "
            + "WHERE l.target_id = t.id AND x.enabled OFFSET 0) r WHERE t.status IN ('offline', 'pending', 'revoked')";
    private static final String COUNTS = "SELECT count(*) FILTER (WHERE t.status <> 'revoked' AND NOT r.late), "
            + "count(*) FILTER (WHERE t.status = 'revoked' AND r.late) FROM ";
    private static final String CORRECTIONS = "SELECT * FROM (" + COUNTS
            + QUIET.formatted("x.timeout_seconds", "check_latest", "checks", "check_id") + ") a, (" + COUNTS
            + QUIET.formatted("ceil(x.timeout_ms / 1000.0)", "probe_latest", "probes", "probe_id") + ") b";

    Corrections corrections(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CORRECTIONS)) {
            ps.setObject(1, JdbcTimes.utc(now));
            ps.setInt(2, Staleness.MISSED_INTERVALS);
            ps.setObject(3, JdbcTimes.utc(now));
            ps.setInt(4, Staleness.MISSED_INTERVALS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Corrections(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }
}
