package io.aami.server.discovery;

import io.aami.contract.discovery.DiscoveredEdge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * SQL of a host's discovery edges (V029) for {@link SnapshotStore}, in its transaction: an edge listed is upserted
 * (present, its first sighting kept) or, with count 0, marked gone as of the previous report; a full report marks all
 * gone first; gone edges are pruned to the newest {@link #KEPT_GONE_EDGES}, none older than
 * {@link #GONE_EDGE_RETENTION}.
 */
final class SnapshotEdges {
    /** Gone edges kept per host (the newest), and for how long at most. */
    static final int KEPT_GONE_EDGES = 2_048;
    static final java.time.Duration GONE_EDGE_RETENTION = java.time.Duration.ofDays(7);

    private SnapshotEdges() {
    }

    // An edge seen again keeps its first sighting, also after it was gone for a while.
    private static final String UPSERT_EDGE = "INSERT INTO discovery_edges (target_id, direction, protocol, process, port, "
            + "remote_address, count, present, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, true, ?, ?) "
            + "ON CONFLICT (target_id, direction, protocol, process, port, remote_address) DO UPDATE SET count = excluded.count, "
            + "present = true, last_seen = excluded.last_seen";
    private static final String GONE_EDGE = "UPDATE discovery_edges SET present = false, last_seen = ? WHERE target_id = ? "
            + "AND direction = ? AND protocol = ? AND process = ? AND port = ? AND remote_address = ? AND present";

    static void apply(Connection c, UUID target, List<DiscoveredEdge> rows, Instant seen, Instant previous)
            throws SQLException {
        try (PreparedStatement up = c.prepareStatement(UPSERT_EDGE); PreparedStatement gone = c.prepareStatement(GONE_EDGE)) {
            for (DiscoveredEdge e : rows) {
                String remote = IpText.canonical(e.remoteAddress());
                if (e.count() == 0) {
                    gone.setTimestamp(1, Timestamp.from(previous));
                    bindKey(gone, 2, target, e, remote);
                    gone.addBatch();
                    continue;
                }
                bindKey(up, 1, target, e, remote);
                up.setLong(7, e.count());
                up.setTimestamp(8, Timestamp.from(seen));
                up.setTimestamp(9, Timestamp.from(seen));
                up.addBatch();
            }
            gone.executeBatch();
            up.executeBatch();
        }
    }

    /** Binds an edge's key (target, direction, protocol, process, port, remote address) from parameter {@code at} on. */
    private static void bindKey(PreparedStatement ps, int at, UUID target, DiscoveredEdge e, String remote) throws SQLException {
        ps.setObject(at, target);
        ps.setString(at + 1, e.direction());
        ps.setString(at + 2, e.protocol());
        ps.setString(at + 3, e.process());
        ps.setInt(at + 4, e.port());
        ps.setString(at + 5, remote);
    }

    private static final String GONE_ALL = "UPDATE discovery_edges SET present = false, last_seen = ? "
            + "WHERE target_id = ? AND present";

    static void goneAll(Connection c, UUID target, Instant previous) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GONE_ALL)) {
            ps.setTimestamp(1, Timestamp.from(previous));
            ps.setObject(2, target);
            ps.executeUpdate();
        }
    }

    private static final String PRUNE = "DELETE FROM discovery_edges WHERE target_id = ? AND NOT present AND (last_seen < ? "
            + "OR (direction, protocol, process, port, remote_address) IN (SELECT direction, protocol, process, port, remote_address "
            + "FROM discovery_edges WHERE target_id = ? AND NOT present ORDER BY last_seen DESC OFFSET ?))";

    static void prune(Connection c, UUID target, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setObject(1, target);
            ps.setTimestamp(2, Timestamp.from(now.minus(GONE_EDGE_RETENTION)));
            ps.setObject(3, target);
            ps.setInt(4, KEPT_GONE_EDGES);
            ps.executeUpdate();
        }
    }
}
