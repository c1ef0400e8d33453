package io.aami.server.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.discovery.DiscoveredService;
import io.aami.contract.discovery.DiscoveredState;
import io.aami.contract.discovery.DiscoveryLimits;
import io.aami.contract.discovery.DiscoveryReport;
import io.aami.server.error.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * SQL writing a host's discovery snapshot (V028; its edges, V029, in {@link SnapshotEdges}), inside the stream ingest's transaction: a full report
 * replaces services and states and marks every edge it does not list gone; a diff is applied only onto the report
 * it names as its base (the host row locked first), else counted in {@code diffs_skipped} and left for the next full
 * one. An edge's sightings are the scan's time, never later than the server's receipt nor more than
 * {@link #MAX_SCAN_AGE} before it (the agent's clock is not trusted further). Addresses are stored in
 * {@link IpText}'s spelling.
 */
final class SnapshotStore {
    private final ObjectMapper mapper;

    SnapshotStore(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    private static final String LOCK_HOST = "SELECT last_seq, scanned_at FROM discovery_hosts WHERE target_id = ? FOR UPDATE";

    /** Applies one report; false when it was a diff whose base is not the stored snapshot (skipped). */
    boolean apply(Connection c, UUID target, DiscoveryReport r, Instant receivedAt) throws SQLException {
        Instant seen = sighting(r.scannedAt(), receivedAt);
        Long lastSeq = null;
        Instant previous = seen;
        try (PreparedStatement ps = c.prepareStatement(LOCK_HOST)) {
            ps.setObject(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    lastSeq = rs.getLong(1);
                    previous = rs.getTimestamp(2).toInstant();
                }
            }
        }
        boolean full = r.baseSeq() == null;
        if (!full && (lastSeq == null || lastSeq.longValue() != r.baseSeq())) {
            update(c, "UPDATE discovery_hosts SET diffs_skipped = diffs_skipped + 1 WHERE target_id = ?", target);
            return false;
        }
        if (full) {
            update(c, "DELETE FROM discovery_services WHERE target_id = ?", target);
            update(c, "DELETE FROM discovery_states WHERE target_id = ?", target);
            SnapshotEdges.goneAll(c, target, previous);
        }
        services(c, target, r.services());
        states(c, target, r.states());
        SnapshotEdges.apply(c, target, r.edges(), seen, previous);
        host(c, target, r, seen, receivedAt, full);
        if (full) {
            SnapshotEdges.prune(c, target, receivedAt);
        } else {
            requireBounded(c, target);
        }
        return true;
    }

    /**
     * How long before its receipt a scan may say it ran. The agent's clock is trusted no further either way: a host
     * dating its scans days back would make a new dependency look old, and {@code UndeclaredDependency} (a first
     * sighting within a day) would never fire for it. A report delivered later than this (a spool after an outage) is
     * dated this long before its receipt.
     */
    static final java.time.Duration MAX_SCAN_AGE = java.time.Duration.ofHours(1);

    static Instant sighting(Instant scannedAt, Instant receivedAt) {
        Instant earliest = receivedAt.minus(MAX_SCAN_AGE);
        return scannedAt.isAfter(receivedAt) ? receivedAt : scannedAt.isBefore(earliest) ? earliest : scannedAt;
    }

    private static final String SIZES = "SELECT (SELECT count(*) FROM discovery_services WHERE target_id = ?), "
            + "(SELECT count(*) FROM discovery_edges WHERE target_id = ? AND present), (SELECT count(*) FROM discovery_states "
            + "WHERE target_id = ?)";

    /**
     * A diff leaves the snapshot equal to the agent's bounded summary, so within {@link DiscoveryLimits}; one that does
     * not (diffs adding rows and never removing any, from a client holding an agent's credential) is refused, its
     * whole batch rolled back, so no host's snapshot grows without bound.
     */
    private static void requireBounded(Connection c, UUID target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SIZES)) {
            ps.setObject(1, target);
            ps.setObject(2, target);
            ps.setObject(3, target);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > DiscoveryLimits.MAX_SERVICES || rs.getLong(2) > DiscoveryLimits.MAX_EDGES
                        || rs.getLong(3) > DiscoveryLimits.MAX_STATES) {
                    throw ApiException.invalid("results", "a diff would leave the host's snapshot past its bounds (at most "
                            + DiscoveryLimits.MAX_SERVICES + " services, " + DiscoveryLimits.MAX_EDGES + " edges, "
                            + DiscoveryLimits.MAX_STATES + " states); send a full report");
                }
            }
        }
    }

    private static final String UPSERT_HOST = "INSERT INTO discovery_hosts (target_id, last_seq, scanned_at, received_at, full_at, "
            + "partial, truncated, state_totals) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (target_id) DO UPDATE SET "
            + "last_seq = excluded.last_seq, scanned_at = excluded.scanned_at, received_at = excluded.received_at, "
            + "full_at = CASE WHEN ? THEN excluded.full_at ELSE discovery_hosts.full_at END, partial = excluded.partial, "
            + "truncated = excluded.truncated, state_totals = excluded.state_totals";

    private void host(Connection c, UUID target, DiscoveryReport r, Instant seen, Instant receivedAt, boolean full)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_HOST)) {
            ps.setObject(1, target);
            ps.setLong(2, r.seq());
            ps.setTimestamp(3, Timestamp.from(seen));
            ps.setTimestamp(4, Timestamp.from(receivedAt));
            ps.setTimestamp(5, Timestamp.from(receivedAt));
            ps.setBoolean(6, r.partial());
            ps.setBoolean(7, r.truncated());
            ps.setString(8, json(r));
            ps.setBoolean(9, full);
            ps.executeUpdate();
        }
    }

    private String json(DiscoveryReport r) {
        try {
            return mapper.writeValueAsString(new TreeMap<>(r.stateTotals()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String UPSERT_SERVICE = "INSERT INTO discovery_services (target_id, protocol, bind, port, process, count) "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (target_id, protocol, bind, port, process) DO UPDATE SET count = excluded.count";
    private static final String DELETE_SERVICE = "DELETE FROM discovery_services WHERE target_id = ? AND protocol = ? AND bind = ? "
            + "AND port = ? AND process = ?";

    private static void services(Connection c, UUID target, List<DiscoveredService> rows) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(UPSERT_SERVICE); PreparedStatement del = c.prepareStatement(DELETE_SERVICE)) {
            for (DiscoveredService s : rows) {
                PreparedStatement ps = s.count() == 0 ? del : up;
                ps.setObject(1, target);
                ps.setString(2, s.protocol());
                ps.setString(3, IpText.canonical(s.bind()));
                ps.setInt(4, s.port());
                ps.setString(5, s.process());
                if (s.count() > 0) {
                    ps.setLong(6, s.count());
                }
                ps.addBatch();
            }
            up.executeBatch();
            del.executeBatch();
        }
    }

    private static final String UPSERT_STATE = "INSERT INTO discovery_states (target_id, state, process, container, local_port, "
            + "remote_address, remote_port, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target_id, state, process, container, "
            + "local_port, remote_address, remote_port) DO UPDATE SET count = excluded.count";
    private static final String DELETE_STATE = "DELETE FROM discovery_states WHERE target_id = ? AND state = ? AND process = ? "
            + "AND container = ? AND local_port = ? AND remote_address = ? AND remote_port = ?";

    private static void states(Connection c, UUID target, List<DiscoveredState> rows) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(UPSERT_STATE); PreparedStatement del = c.prepareStatement(DELETE_STATE)) {
            for (DiscoveredState s : rows) {
                PreparedStatement ps = s.count() == 0 ? del : up;
                ps.setObject(1, target);
                ps.setString(2, s.state());
                ps.setString(3, s.process());
                ps.setString(4, s.container());
                ps.setInt(5, s.localPort());
                ps.setString(6, "other".equals(s.remoteAddress()) ? "other" : IpText.canonical(s.remoteAddress()));
                ps.setInt(7, s.remotePort());
                if (s.count() > 0) {
                    ps.setLong(8, s.count());
                }
                ps.addBatch();
            }
            up.executeBatch();
            del.executeBatch();
        }
    }

    private static void update(Connection c, String sql, UUID target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, target);
            ps.executeUpdate();
        }
    }
}
