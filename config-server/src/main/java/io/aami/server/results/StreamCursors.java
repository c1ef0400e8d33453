package io.aami.server.results;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * SQL for {@code result_cursors}: per agent and stream, the highest {@code seq} stored. Locking the
 * row serialises concurrent deliveries of one stream (a retry racing its original), which is what
 * makes "stored exactly once" hold.
 */
final class StreamCursors {
    record Cursor(long highWater) {
    }

    private static final String CREATE = "INSERT INTO result_cursors (target_id, stream) VALUES (?, ?) ON CONFLICT DO NOTHING";
    private static final String LOCK = "SELECT high_water FROM result_cursors WHERE target_id = ? AND stream = ? FOR UPDATE";

    Cursor lock(Connection c, UUID target, String stream) throws SQLException {
        try (PreparedStatement create = c.prepareStatement(CREATE); PreparedStatement lock = c.prepareStatement(LOCK)) {
            create.setObject(1, target);
            create.setString(2, stream);
            create.executeUpdate();
            lock.setObject(1, target);
            lock.setString(2, stream);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return new Cursor(rs.getLong(1));
            }
        }
    }

    private static final String ADVANCE = "UPDATE result_cursors SET high_water = ?, gap_total = gap_total + ? "
            + "WHERE target_id = ? AND stream = ?";

    void advance(Connection c, UUID target, String stream, long highWater, long gap) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADVANCE)) {
            ps.setLong(1, highWater);
            ps.setLong(2, gap);
            ps.setObject(3, target);
            ps.setString(4, stream);
            ps.executeUpdate();
        }
    }
}
