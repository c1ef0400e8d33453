package io.aami.server.metrics;

import io.aami.server.db.JdbcTimes;
import io.aami.server.targets.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads, in one query, every probe destination each target should probe, LEFT JOINed to its latest
 * result, so a probe has series from the moment it is assigned. Like {@link FleetStore} for checks it
 * restates the assignment in SQL rather than asking the probes feature per target (one query however
 * large the fleet): {@code probes.ProbeExpansion}'s rule, enabled probes, global, the target's group's
 * and its own, one per name (target beating group beating global), a group-to-group probe expanded
 * into one destination per member of the destination group that has an address and is not revoked,
 * the source itself excluded. Revoked targets probe nothing.
 */
final class ProbeFleetStore {
    /** {@code executedAt}, {@code receivedAt} null while the destination has no result yet. */
    record ProbeRow(String agentId, String hostname, boolean online, String probe, String target, int targetPort,
                    String protocol, String targetAgentId, boolean success, String reason, double totalMs, Instant executedAt,
                    Instant receivedAt, int intervalSeconds, int timeoutMs, Integer httpStatus, Instant certNotAfter, Double rttMs,
                    Double lossPercent) {
        boolean reported() {
            return executedAt != null;
        }
    }

    private static final String ASSIGNED = AssignmentSql.assigned("probes", "probe_id");
    // dest_key as the results are keyed (proberesults.ProbeResultStore): the member's id, else the target as written.
    private static final String DESTINATIONS = "SELECT a.target_id, a.probe_id, p.target AS dest_key, p.target AS address, "
            + "NULL::uuid AS dest_id FROM a JOIN probes p ON p.id = a.probe_id WHERE p.target_group_id IS NULL "
            + "UNION ALL SELECT a.target_id, a.probe_id, m.id::text, m.ip_address, m.id FROM a JOIN probes p ON p.id = a.probe_id "
            + "JOIN targets m ON m.group_id = p.target_group_id "
            + "WHERE m.ip_address IS NOT NULL AND m.status <> ? AND m.id <> a.target_id";
    private static final String PROBES = "WITH a AS (" + ASSIGNED + "), d AS (" + DESTINATIONS + ") "
            + "SELECT d.target_id::text, t.hostname, t.status = ?, p.name, d.address, p.target_port, p.protocol, "
            + "coalesce(d.dest_id::text, ''), l.success, l.reason, l.total_ms, l.executed_at, l.received_at, p.interval_seconds, "
            + "p.timeout_ms, l.http_status, l.cert_not_after, l.rtt_ms, l.loss_percent FROM d JOIN probes p ON p.id = d.probe_id JOIN targets t ON t.id = d.target_id "
            + "LEFT JOIN probe_latest l ON l.target_id = d.target_id AND l.probe_id = d.probe_id AND l.dest_key = d.dest_key";

    void probes(Connection c, Consumer<ProbeRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PROBES)) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, Target.REVOKED);
            }
            ps.setString(5, Target.ONLINE);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new ProbeRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getString(5),
                            rs.getInt(6), rs.getString(7), rs.getString(8), rs.getBoolean(9), rs.getString(10), rs.getDouble(11),
                            JdbcTimes.instant(rs, 12), JdbcTimes.instant(rs, 13), rs.getInt(14), rs.getInt(15),
                            (Integer) rs.getObject(16), JdbcTimes.instant(rs, 17), (Double) rs.getObject(18),
                            (Double) rs.getObject(19)));
                }
            }
        }
    }
}
