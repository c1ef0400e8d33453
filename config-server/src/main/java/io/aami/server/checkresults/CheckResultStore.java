package io.aami.server.checkresults;

import io.aami.server.db.JdbcTimes;
import io.aami.server.results.CopyBinary;
import io.aami.server.results.PartitionMaintainer;
import io.aami.server.results.HistoryQuery;
import io.aami.contract.checks.CheckStatus;
import io.aami.contract.checks.CheckResultView;
import io.aami.contract.results.CheckResult;
import io.aami.server.db.Copy;
import io.aami.server.db.UnnestColumns;
import io.aami.server.results.HistoryPage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** SQL for check result history (COPY) and the latest state per (target, check). */
public final class CheckResultStore {
    private static final String COLUMNS = "(target_id, epoch, seq, check_id, status, exit_code, output, truncated, "
            + "timed_out, duration_ms, executed_at, received_at)";

    /**
     * Appends history rows with one binary COPY into the partition of {@code receivedAt} (every row of
     * a batch arrives at that instant): the write path never issues a statement per result, and
     * PostgreSQL neither parses text nor routes rows. {@code check_id}s are canonical ids.
     */
    void copyHistory(Connection c, UUID target, UUID epoch, Instant receivedAt, List<CheckResult> results) throws SQLException {
        CopyBinary rows = new CopyBinary(12, results.size());
        for (CheckResult r : results) {
            rows.uuid(target).uuid(epoch).int8(r.seq()).uuid(UUID.fromString(r.checkId())).int2((short) code(r.status()))
                    .int4(r.exitCode()).text(r.output()).bool(r.truncated()).bool(r.timedOut()).int8(r.durationMs())
                    .timestamptz(r.executedAt()).timestamptz(receivedAt).endRow();
        }
        Copy.in(c, "COPY " + PartitionMaintainer.partitionOf("check_results", receivedAt) + " " + COLUMNS
                + " FROM STDIN WITH (FORMAT binary)", rows.bytes());
    }

    /**
     * The order of one check's results in {@code check_latest}, newest last: by when they ran, a time
     * ahead of their arrival counting as their arrival ({@code least(executed_at, received_at)}, as
     * {@code Staleness} counts), then {@code executed_at}, {@code seq} and epoch, so ties end the same
     * whichever arrives first. A result that ran before the stored one never replaces it, whether it
     * came late without seq (a script) or with one (posted to the agent's local API with an old time):
     * executed_at, not the arrival order, says which state is current. The clamp keeps an agent whose
     * clock ran ahead and was set back from freezing its latest rows until its clock catches up.
     * {@link #UPSERT_LATEST} keeps the same order in SQL.
     */
    static Comparator<CheckResult> latestOrder(Instant receivedAt) {
        return Comparator.<CheckResult, Instant>comparing(r -> r.executedAt().isAfter(receivedAt) ? receivedAt : r.executedAt())
                .thenComparing(CheckResult::executedAt).thenComparingLong(CheckResult::seq);
    }

    // Rows for checks that no longer exist are skipped (the JOIN); a row is replaced only by a result
    // later in latestOrder. Rows are written in check id order so that concurrent batches lock them in
    // one order (never a deadlock); executed_at goes as ISO text, exact to the microsecond and in the
    // proleptic Gregorian calendar both sides use.
    private static final String UPSERT_LATEST = "INSERT INTO check_latest (target_id, epoch, check_id, seq, status, exit_code, output, "
            + "truncated, timed_out, duration_ms, executed_at, received_at) "
            + "SELECT ?, ?, v.check_id, v.seq, v.status, v.exit_code, v.output, v.truncated, v.timed_out, v.duration_ms, "
            + "v.executed_at::timestamptz, ? "
            + "FROM unnest(?::uuid[], ?::bigint[], ?::smallint[], ?::int[], ?::text[], ?::bool[], ?::bool[], ?::bigint[], ?::text[]) "
            + "AS v(check_id, seq, status, exit_code, output, truncated, timed_out, duration_ms, executed_at) "
            + "JOIN checks k ON k.id = v.check_id ORDER BY v.check_id "
            + "ON CONFLICT (target_id, check_id) DO UPDATE SET epoch = EXCLUDED.epoch, seq = EXCLUDED.seq, status = EXCLUDED.status, "
            + "exit_code = EXCLUDED.exit_code, output = EXCLUDED.output, truncated = EXCLUDED.truncated, "
            + "timed_out = EXCLUDED.timed_out, duration_ms = EXCLUDED.duration_ms, executed_at = EXCLUDED.executed_at, "
            + "received_at = EXCLUDED.received_at "
            + "WHERE (least(EXCLUDED.executed_at, EXCLUDED.received_at), EXCLUDED.executed_at, EXCLUDED.seq, EXCLUDED.epoch) "
            + "> (least(check_latest.executed_at, check_latest.received_at), check_latest.executed_at, check_latest.seq, check_latest.epoch)";

    /** {@code latest} holds at most one result per check. */
    void upsertLatest(Connection c, UUID target, UUID epoch, Instant receivedAt, List<CheckResult> latest) throws SQLException {
        UnnestColumns cols = new UnnestColumns(latest.size(), "uuid", "bigint", "int2", "int4", "text", "bool", "bool",
                "bigint", "text");
        for (CheckResult r : latest) {
            cols.add(UUID.fromString(r.checkId()), r.seq(), (short) code(r.status()), r.exitCode(), r.output().replace('\0', ' '),
                    r.truncated(), r.timedOut(), r.durationMs(), r.executedAt().toString());
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_LATEST)) {
            ps.setObject(1, target);
            ps.setObject(2, epoch);
            ps.setObject(3, JdbcTimes.utc(receivedAt));
            cols.bind(c, ps, 4);
            ps.executeUpdate();
        }
    }

    private static final String HISTORY = HistoryQuery.sql("SELECT seq, check_id, status, exit_code, output, truncated, "
            + "timed_out, duration_ms, executed_at, received_at FROM check_results", "check_id");

    /** One page of the target's history, newest first, of one check or (null) all. */
    List<CheckResultView> history(Connection c, UUID target, UUID checkId, HistoryPage page) throws SQLException {
        return HistoryQuery.page(c, HISTORY, target, checkId, page, rs -> new CheckResultView(rs.getLong("seq"),
                rs.getObject("check_id", UUID.class), CheckStatus.fromCode(rs.getInt("status")).wire(), (Integer) rs.getObject("exit_code"),
                rs.getString("output"), rs.getBoolean("truncated"), rs.getBoolean("timed_out"), rs.getLong("duration_ms"),
                JdbcTimes.instant(rs, "executed_at"), JdbcTimes.instant(rs, "received_at")));
    }

    /** The stored number of a status ingest has already validated. */
    private static int code(String wire) {
        return CheckStatus.fromWire(wire).orElseThrow().code();
    }
}
