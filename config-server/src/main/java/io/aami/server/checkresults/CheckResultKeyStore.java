package io.aami.server.checkresults;

import io.aami.server.db.JdbcTimes;
import io.aami.server.db.UnnestColumns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * SQL for {@code check_result_keys}, which makes results sent without seq stored once per
 * (target, check, executed_at, output), and for the numbers they are filed under in history.
 */
final class CheckResultKeyStore {
    /** One result's identity; {@code executedAt} in microseconds, as PostgreSQL keeps it. */
    record Key(UUID checkId, Instant executedAt, String outputSha256) {
    }

    /**
     * One total order of keys. Every batch inserts its keys in it: two batches with overlapping keys
     * in opposite orders would each hold a key the other waits for (a deadlock, one batch failing).
     */
    static final Comparator<Key> ORDER = Comparator.<Key, String>comparing(k -> k.checkId().toString())
            .thenComparing(Key::executedAt).thenComparing(Key::outputSha256);

    // A key another transaction is inserting makes this one wait for it, then skip it: a result posted
    // twice at once is still stored once. executed_at goes as ISO text and comes back as OffsetDateTime
    // (JdbcTimes): exact, in the proleptic Gregorian calendar, so a returned key equals the one sent.
    private static final String INSERT = "INSERT INTO check_result_keys (target_id, check_id, executed_at, output_sha256, stored_at) "
            + "SELECT ?, v.check_id, v.executed_at::timestamptz, decode(v.sha, 'hex'), ? "
            + "FROM unnest(?::uuid[], ?::text[], ?::text[]) AS v(check_id, executed_at, sha) "
            + "ON CONFLICT DO NOTHING RETURNING check_id, executed_at, encode(output_sha256, 'hex')";

    /** Records {@code keys} (in {@link #ORDER}); returns those that were not recorded before (each once). */
    List<Key> insertNew(Connection c, UUID target, Instant now, List<Key> keys) throws SQLException {
        UnnestColumns cols = new UnnestColumns(keys.size(), "uuid", "text", "text");
        keys.stream().sorted(ORDER).forEach(k -> cols.add(k.checkId(), k.executedAt().toString(), k.outputSha256()));
        List<Key> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, target);
            ps.setObject(2, JdbcTimes.utc(now));
            cols.bind(c, ps, 3);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Key(rs.getObject(1, UUID.class), JdbcTimes.instant(rs, 2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    private static final String NUMBERS = "SELECT nextval('check_results_unsequenced_seq') FROM generate_series(1, ?)";

    /** {@code count} new numbers for history, increasing. */
    List<Long> numbers(Connection c, int count) throws SQLException {
        List<Long> out = new ArrayList<>(count);
        try (PreparedStatement ps = c.prepareStatement(NUMBERS)) {
            ps.setInt(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static final String PRUNE = "DELETE FROM check_result_keys WHERE target_id = ? AND stored_at < ?";

    /** Forgets the target's keys stored before {@code before} (their results have left history). */
    void prune(Connection c, UUID target, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setObject(1, target);
            ps.setObject(2, JdbcTimes.utc(before));
            ps.executeUpdate();
        }
    }
}
