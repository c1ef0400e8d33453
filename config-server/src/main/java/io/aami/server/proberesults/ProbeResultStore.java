package io.aami.server.proberesults;

import io.aami.contract.probes.ProbeResultView;
import io.aami.contract.results.ProbeReport;
import io.aami.server.db.Copy;
import io.aami.server.db.JdbcTimes;
import io.aami.server.db.UnnestColumns;
import io.aami.server.results.HistoryPage;
import io.aami.server.results.CopyText;
import io.aami.server.results.HistoryQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * SQL for probe result history (COPY) and the latest result per (source, probe, destination), which only moves
 * forward in time ({@link #latestOrder}).
 */
final class ProbeResultStore {
    /** The destination key of a report: the member's id for group-to-group probes, else the target as written. */
    static String destKey(ProbeReport r) {
        return r.destinationTargetId() != null ? r.destinationTargetId().toString() : r.target();
    }

    private static final String COPY = "COPY probe_results (target_id, epoch, seq, probe_id, dest_key, destination_target_id, target, "
            + "target_ip, target_port, protocol, source_ip, source_port, success, reason, dns_ms, connect_ms, total_ms, "
            + "executed_at, received_at, http_status, tls_ms, first_byte_ms, cert_not_after, rtt_ms, loss_percent) "
            + "FROM STDIN WITH (FORMAT text)";

    void copyHistory(Connection c, UUID target, UUID epoch, Instant receivedAt, List<ProbeReport> reports) throws SQLException {
        CopyText rows = new CopyText(reports.size());
        for (ProbeReport r : reports) {
            rows.field(target).field(epoch).field(r.seq()).field(r.probeId()).field(destKey(r)).field(r.destinationTargetId())
                    .field(r.target()).field(r.targetIp()).field(r.targetPort()).field(r.protocol()).field(r.sourceIp())
                    .field(r.sourcePort()).field(r.success()).field(r.reason()).field(r.dnsMs()).field(r.connectMs())
                    .field(r.totalMs()).field(r.executedAt()).field(receivedAt).field(r.httpStatus()).field(r.tlsMs())
                    .field(r.firstByteMs()).field(r.certNotAfter()).field(r.rttMs()).field(r.lossPercent()).endRow();
        }
        Copy.in(c, COPY, rows.text());
    }

    /**
     * The order of one (probe, destination)'s reports in {@code probe_latest}, newest last, as
     * {@code CheckResultStore.latestOrder} orders checks: by when they ran, a time ahead of their arrival
     * counting as their arrival ({@code least(executed_at, received_at)}), then {@code executed_at}, {@code seq}
     * and epoch, so the latest row only moves forward in time whichever report arrives first (a new stream
     * epoch included). {@link #UPSERT_LATEST} keeps the same order in SQL.
     */
    static Comparator<ProbeReport> latestOrder(Instant receivedAt) {
        return Comparator.<ProbeReport, Instant>comparing(r -> r.executedAt().isAfter(receivedAt) ? receivedAt : r.executedAt())
                .thenComparing(ProbeReport::executedAt).thenComparingLong(ProbeReport::seq);
    }

    // Rows for probes that no longer exist are skipped (the JOIN); a row is replaced only by a report later in
    // latestOrder. Rows are written in key order so that concurrent batches lock them in one order (never a
    // deadlock); executed_at goes as ISO text, exact to the microsecond.
    private static final String UPSERT_LATEST = "INSERT INTO probe_latest (target_id, epoch, probe_id, dest_key, destination_target_id, "
            + "seq, target, target_ip, target_port, protocol, success, reason, total_ms, executed_at, received_at, http_status, "
            + "cert_not_after, rtt_ms, loss_percent) "
            + "SELECT ?, ?, v.probe_id, v.dest_key, v.dest_target, v.seq, v.target, v.target_ip, v.port, v.protocol, v.success, "
            + "v.reason, v.total_ms, v.executed_at::timestamptz, ?, v.http_status, v.cert_not_after::timestamptz, v.rtt_ms, "
            + "v.loss_percent "
            + "FROM unnest(?::uuid[], ?::text[], ?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::bool[], "
            + "?::text[], ?::float8[], ?::text[], ?::int[], ?::text[], ?::float8[], ?::float8[]) AS v(probe_id, dest_key, "
            + "dest_target, seq, target, target_ip, port, protocol, success, reason, total_ms, executed_at, http_status, "
            + "cert_not_after, rtt_ms, loss_percent) "
            + "JOIN probes p ON p.id = v.probe_id ORDER BY v.probe_id, v.dest_key "
            + "ON CONFLICT (target_id, probe_id, dest_key) DO UPDATE SET epoch = EXCLUDED.epoch, destination_target_id = EXCLUDED.destination_target_id, "
            + "seq = EXCLUDED.seq, target = EXCLUDED.target, target_ip = EXCLUDED.target_ip, target_port = EXCLUDED.target_port, "
            + "protocol = EXCLUDED.protocol, success = EXCLUDED.success, reason = EXCLUDED.reason, total_ms = EXCLUDED.total_ms, "
            + "executed_at = EXCLUDED.executed_at, received_at = EXCLUDED.received_at, http_status = EXCLUDED.http_status, "
            + "cert_not_after = EXCLUDED.cert_not_after, rtt_ms = EXCLUDED.rtt_ms, loss_percent = EXCLUDED.loss_percent "
            + "WHERE (least(EXCLUDED.executed_at, EXCLUDED.received_at), EXCLUDED.executed_at, EXCLUDED.seq, EXCLUDED.epoch) "
            + "> (least(probe_latest.executed_at, probe_latest.received_at), probe_latest.executed_at, probe_latest.seq, probe_latest.epoch)";

    /** {@code latest} holds at most one report per (probe, destination). */
    void upsertLatest(Connection c, UUID target, UUID epoch, Instant receivedAt, List<ProbeReport> latest) throws SQLException {
        UnnestColumns cols = new UnnestColumns(latest.size(), "uuid", "text", "uuid", "bigint", "text", "text", "int4", "text",
                "bool", "text", "float8", "text", "int4", "text", "float8", "float8");
        for (ProbeReport r : latest) {
            cols.add(r.probeId(), destKey(r), r.destinationTargetId(), r.seq(), r.target(), r.targetIp(), r.targetPort(),
                    r.protocol(), r.success(), r.reason(), r.totalMs(), r.executedAt().toString(), r.httpStatus(),
                    r.certNotAfter() == null ? null : r.certNotAfter().toString(), r.rttMs(), r.lossPercent());
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_LATEST)) {
            ps.setObject(1, target);
            ps.setObject(2, epoch);
            ps.setObject(3, JdbcTimes.utc(receivedAt));
            cols.bind(c, ps, 4);
            ps.executeUpdate();
        }
    }

    private static final String HISTORY = HistoryQuery.sql("SELECT seq, probe_id, destination_target_id, target, target_ip, "
            + "target_port, protocol, source_ip, source_port, success, reason, dns_ms, connect_ms, total_ms, executed_at, "
            + "received_at, http_status, tls_ms, first_byte_ms, cert_not_after, rtt_ms, loss_percent FROM probe_results", "probe_id");

    /** One page of the target's probe history, newest first, of one probe or (null) all. */
    List<ProbeResultView> history(Connection c, UUID target, UUID probeId, HistoryPage page) throws SQLException {
        return HistoryQuery.page(c, HISTORY, target, probeId, page, rs -> new ProbeResultView(rs.getLong("seq"),
                rs.getObject("probe_id", UUID.class), rs.getObject("destination_target_id", UUID.class), rs.getString("target"),
                rs.getString("target_ip"), rs.getInt("target_port"), rs.getString("protocol"), rs.getString("source_ip"),
                (Integer) rs.getObject("source_port"), rs.getBoolean("success"), rs.getString("reason"),
                (Double) rs.getObject("dns_ms"), (Double) rs.getObject("connect_ms"), rs.getDouble("total_ms"),
                rs.getTimestamp("executed_at").toInstant(), rs.getTimestamp("received_at").toInstant(),
                (Integer) rs.getObject("http_status"), (Double) rs.getObject("tls_ms"), (Double) rs.getObject("first_byte_ms"),
                rs.getTimestamp("cert_not_after") == null ? null : rs.getTimestamp("cert_not_after").toInstant(),
                (Double) rs.getObject("rtt_ms"), (Double) rs.getObject("loss_percent")));
    }
}
