package io.aami.server.results;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * SQL for {@code result_cursors}: per agent, stream and stream epoch, the highest {@code seq} stored.
 * Locking the row serialises concurrent deliveries of one epoch (a retry racing its original), which
 * is what makes "stored exactly once" hold within an epoch.
 *
 * <p>A batch of an epoch the stream has no cursor for starts one at 0: a restarted numbering is stored,
 * and the stream's most recently used other epoch is reported as the one it replaced. At most
 * {@link #KEPT_EPOCHS} cursors are kept per agent and stream, the least recently used pruned. A count,
 * not an age: an agent resets rarely (a lost, corrupt or restored spool), old cursors only matter to
 * recognise a late retry or a restored copy of a recent epoch, and the bound must hold whatever a
 * client holding the agent's certificate sends. Pruning can never lose a result: an epoch whose cursor
 * is gone starts again at 0, so what it sends is stored (at worst twice), never taken for a duplicate.
 */
final class StreamCursors {
    static final int KEPT_EPOCHS = 8;

    /** The epoch a new cursor replaced: the stream's most recently used other one, of {@code others} kept. */
    record Replaced(UUID epoch, long highWater, long others) {
    }

    /** The locked cursor; {@code replaced} is set only when this batch created it and the stream had others. */
    record Cursor(long highWater, boolean created, Replaced replaced) {
    }

    private static final String CREATE = "INSERT INTO result_cursors (target_id, stream, epoch, last_stored_at) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String LOCK = "SELECT high_water FROM result_cursors WHERE target_id = ? AND stream = ? AND epoch = ? "
            + "FOR UPDATE";

    Cursor lock(Connection c, UUID target, String stream, UUID epoch, Instant now) throws SQLException {
        boolean created;
        try (PreparedStatement create = c.prepareStatement(CREATE)) {
            bindStream(create, target, stream, epoch);
            create.setTimestamp(4, Timestamp.from(now));
            created = create.executeUpdate() == 1;
        }
        long highWater;
        try (PreparedStatement lock = c.prepareStatement(LOCK)) {
            bindStream(lock, target, stream, epoch);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                highWater = rs.getLong(1);
            }
        }
        if (!created) {
            return new Cursor(highWater, false, null);
        }
        Replaced replaced = previous(c, target, stream, epoch);
        if (replaced != null) {
            prune(c, target, stream, epoch);
        }
        return new Cursor(highWater, true, replaced);
    }

    private static final String PREVIOUS = "SELECT epoch, high_water, count(*) OVER () FROM result_cursors WHERE target_id = ? AND stream = ? "
            + "AND epoch <> ? ORDER BY last_stored_at DESC, epoch LIMIT 1";

    private Replaced previous(Connection c, UUID target, String stream, UUID epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PREVIOUS)) {
            bindStream(ps, target, stream, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Replaced(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3)) : null;
            }
        }
    }

    // SKIP LOCKED: a cursor in use by a concurrent batch is left for the next prune, so pruning never
    // waits for another delivery and two concurrent resets cannot deadlock on each other's rows.
    private static final String PRUNE = "DELETE FROM result_cursors c USING (SELECT epoch FROM result_cursors "
            + "WHERE target_id = ? AND stream = ? AND epoch <> ? ORDER BY last_stored_at DESC, epoch OFFSET ? "
            + "FOR UPDATE SKIP LOCKED) old WHERE c.target_id = ? AND c.stream = ? AND c.epoch = old.epoch";

    private void prune(Connection c, UUID target, String stream, UUID keep) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            bindStream(ps, target, stream, keep);
            ps.setInt(4, KEPT_EPOCHS - 1);
            ps.setObject(5, target);
            ps.setString(6, stream);
            ps.executeUpdate();
        }
    }

    private static final String ADVANCE_FROM = "UPDATE result_cursors SET high_water = ?, last_stored_at = ? "
            + "WHERE target_id = ? AND stream = ? AND epoch = ? AND high_water = ?";

    /**
     * Moves the epoch's cursor from exactly {@code from} to {@code to}, locking its row, in one round
     * trip; false (nothing changed, nothing locked) when there is no such cursor or its mark is not
     * {@code from}. Under READ COMMITTED a concurrent mover is waited for and the mark read again after
     * its commit, so two batches can never both move the cursor from the same mark.
     */
    boolean advanceFrom(Connection c, UUID target, String stream, UUID epoch, long from, long to, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADVANCE_FROM)) {
            ps.setLong(1, to);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setObject(3, target);
            ps.setString(4, stream);
            ps.setObject(5, epoch);
            ps.setLong(6, from);
            return ps.executeUpdate() == 1;
        }
    }

    private static final String ADVANCE = "UPDATE result_cursors SET high_water = ?, gap_total = gap_total + ?, "
            + "last_stored_at = ? WHERE target_id = ? AND stream = ? AND epoch = ?";

    void advance(Connection c, UUID target, String stream, UUID epoch, long highWater, long gap, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ADVANCE)) {
            ps.setLong(1, highWater);
            ps.setLong(2, gap);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setObject(4, target);
            ps.setString(5, stream);
            ps.setObject(6, epoch);
            ps.executeUpdate();
        }
    }

    private static void bindStream(PreparedStatement ps, UUID target, String stream, UUID epoch) throws SQLException {
        ps.setObject(1, target);
        ps.setString(2, stream);
        ps.setObject(3, epoch);
    }
}
