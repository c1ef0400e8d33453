package io.aami.server.targets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** SQL for changes to many targets at once: a few statements whatever the number of targets. */
final class TargetBulkStore {
    // In id order, so two bulk requests over overlapping sets lock their rows in the same order and cannot deadlock.
    private static final String LOCK_ALL = "SELECT " + TargetStore.COLUMNS + " FROM targets WHERE id = ANY(?::uuid[]) ORDER BY id FOR UPDATE";

    /** The targets among {@code ids} that exist, locked until commit. */
    List<Target> lockAll(Connection c, Collection<UUID> ids) throws SQLException {
        return read(c, LOCK_ALL, ids);
    }

    // A target already in the group keeps its row (and updated_at) untouched, as an identical PUT does.
    private static final String MOVE = "UPDATE targets SET group_id = ?, updated_at = ? "
            + "WHERE id = ANY(?::uuid[]) AND group_id IS DISTINCT FROM ? RETURNING " + TargetStore.COLUMNS;

    /** Puts {@code ids} in {@code groupId}; the targets that changed, as they are now. */
    List<Target> move(Connection c, Collection<UUID> ids, UUID groupId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MOVE)) {
            ps.setObject(1, groupId);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setArray(3, c.createArrayOf("uuid", ids.toArray()));
            ps.setObject(4, groupId);
            return rows(ps);
        }
    }

    // A target already revoked keeps its row untouched: revoking it again changes nothing, so nothing is audited.
    private static final String REVOKE = "UPDATE targets SET status = 'revoked', revoked_at = coalesce(revoked_at, ?), "
            + "updated_at = ? WHERE id = ANY(?::uuid[]) AND status <> 'revoked' RETURNING " + TargetStore.COLUMNS;

    /** Revokes {@code ids}; the targets that changed, as they are now. */
    List<Target> revoke(Connection c, Collection<UUID> ids, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setArray(3, c.createArrayOf("uuid", ids.toArray()));
            return rows(ps);
        }
    }

    private static final String RETIRE = "INSERT INTO retired_agent_ids (id, reason, retired_at) "
            + "SELECT unnest(?::uuid[]), ?, ? ON CONFLICT (id) DO NOTHING";

    /** As {@link TargetStore#retire} for every id, in one statement. */
    void retire(Connection c, Collection<UUID> ids, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RETIRE)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.setString(2, reason);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    private static List<Target> read(Connection c, String sql, Collection<UUID> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            return rows(ps);
        }
    }

    private static List<Target> rows(PreparedStatement ps) throws SQLException {
        List<Target> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(TargetStore.map(rs));
            }
        }
        return out;
    }
}
