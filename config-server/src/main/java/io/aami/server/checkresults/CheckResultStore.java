package io.aami.server.checkresults;

import io.aami.server.results.CopyText;
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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** SQL for check result history (COPY) and the latest state per (target, check). */
public final class CheckResultStore {
    private static final String COPY = "COPY check_results (target_id, epoch, seq, check_id, status, exit_code, output, truncated, "
            + "timed_out, duration_ms, executed_at, received_at) FROM STDIN WITH (FORMAT text)";

    /** Appends history rows with one COPY: the write path never issues a statement per result. {@code check_id}s are canonical ids. */
    void copyHistory(Connection c, UUID target, UUID epoch, Instant receivedAt, List<CheckResult> results) throws SQLException {
        CopyText rows = new CopyText(results.size());
        for (CheckResult r : results) {
            rows.field(target).field(epoch).field(r.seq()).field(r.checkId()).field(code(r.status())).field(r.exitCode())
                    .field(r.output()).field(r.truncated()).field(r.timedOut()).field(r.durationMs())
                    .field(r.executedAt()).field(receivedAt).endRow();
        }
        Copy.in(c, COPY, rows.text());
    }

    // Rows for checks that no longer exist are skipped (the JOIN); an older seq of the same epoch never
    // replaces a newer one; a result of another epoch does (the agent's numbering started over).
    private static final String UPSERT_LATEST = "INSERT INTO check_latest (target_id, epoch, check_id, seq, status, exit_code, output, "
            + "truncated, timed_out, duration_ms, executed_at, received_at) "
            + "SELECT ?, ?, v.check_id, v.seq, v.status, v.exit_code, v.output, v.truncated, v.timed_out, v.duration_ms, "
            + "to_timestamp(v.executed_ms / 1000.0), ? "
            + "FROM unnest(?::uuid[], ?::bigint[], ?::smallint[], ?::int[], ?::text[], ?::bool[], ?::bool[], ?::bigint[], ?::bigint[]) "
            + "AS v(check_id, seq, status, exit_code, output, truncated, timed_out, duration_ms, executed_ms) "
            + "JOIN checks k ON k.id = v.check_id "
            + "ON CONFLICT (target_id, check_id) DO UPDATE SET epoch = EXCLUDED.epoch, seq = EXCLUDED.seq, status = EXCLUDED.status, "
            + "exit_code = EXCLUDED.exit_code, output = EXCLUDED.output, truncated = EXCLUDED.truncated, "
            + "timed_out = EXCLUDED.timed_out, duration_ms = EXCLUDED.duration_ms, executed_at = EXCLUDED.executed_at, "
            + "received_at = EXCLUDED.received_at WHERE check_latest.epoch <> EXCLUDED.epoch OR check_latest.seq < EXCLUDED.seq";

    /** {@code latest} holds at most one result per check. */
    void upsertLatest(Connection c, UUID target, UUID epoch, Instant receivedAt, List<CheckResult> latest) throws SQLException {
        UnnestColumns cols = new UnnestColumns(latest.size(), "uuid", "bigint", "int2", "int4", "text", "bool", "bool",
                "bigint", "bigint");
        for (CheckResult r : latest) {
            cols.add(UUID.fromString(r.checkId()), r.seq(), (short) code(r.status()), r.exitCode(), r.output().replace('\0', ' '),
                    r.truncated(), r.timedOut(), r.durationMs(), r.executedAt().toEpochMilli());
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_LATEST)) {
            ps.setObject(1, target);
            ps.setObject(2, epoch);
            ps.setTimestamp(3, Timestamp.from(receivedAt));
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
                rs.getTimestamp("executed_at").toInstant(), rs.getTimestamp("received_at").toInstant()));
    }

    /** The stored number of a status ingest has already validated. */
    private static int code(String wire) {
        return CheckStatus.fromWire(wire).orElseThrow().code();
    }
}
