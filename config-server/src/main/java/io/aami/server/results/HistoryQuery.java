package io.aami.server.results;

import io.aami.server.db.JdbcTimes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The page condition of every result history (checks, probes): one target, optionally one item,
 * newest first, keyset-paged on (executed_at, seq) so a page costs the same however deep it is.
 */
public final class HistoryQuery {
    private HistoryQuery() {
    }

    /** {@code SELECT <columns> FROM <table>} plus the page condition, filtering on {@code itemColumn}. */
    public static String sql(String selectFrom, String itemColumn) {
        return selectFrom + " WHERE target_id = ? AND (?::uuid IS NULL OR " + itemColumn + " = ?) "
                + "AND executed_at >= ? AND (executed_at, seq) < (?, ?) ORDER BY executed_at DESC, seq DESC LIMIT ?";
    }

    /** Reads one history row. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} (built by {@link #sql}) for the target, the item (null = all) and the page. */
    public static <T> List<T> page(Connection c, String sql, UUID target, UUID item, HistoryPage page, Row<T> row)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, target, item, page);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        }
    }

    private static void bind(PreparedStatement ps, UUID target, UUID item, HistoryPage page) throws SQLException {
        ps.setObject(1, target);
        ps.setObject(2, item);
        ps.setObject(3, item);
        // JdbcTimes: a page of results run before 1582 starts and continues where it should.
        ps.setObject(4, JdbcTimes.utc(page.since()));
        ps.setObject(5, JdbcTimes.utc(page.beforeExecutedAt()));
        ps.setLong(6, page.beforeSeq());
        ps.setInt(7, page.limit());
    }
}
