package io.aami.server.discovery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.discovery.DiscoveredService;
import io.aami.contract.discovery.DiscoveredState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL reading discovery snapshots, the fleet's present edges, the targets' addresses and the enabled probes. */
final class DiscoveryReadStore {
    /** A host's snapshot header. */
    record Host(Instant scannedAt, Instant receivedAt, boolean partial, boolean truncated, Map<String, Long> stateTotals) {
    }

    /** A stored edge with its host (and the host's group); {@code lastSeen} the host's last report while present. */
    record Edge(UUID targetId, UUID groupId, String direction, String protocol, String process, int port, String remote,
                long count, Instant firstSeen, Instant lastSeen) {
    }

    /**
     * A target as the inventory knows it: its addresses (operator's, reported, last heartbeat's; null when absent).
     * The heartbeat's only while recent: as service discovery has it, a host not heard from for
     * {@link #HEARTBEAT_FRESH_FOR} intervals may have left its address to another host by now (DHCP, a new VM).
     */
    record TargetRow(UUID id, String hostname, UUID groupId, String groupName, String ip, String reportedIp, String heartbeatIp) {
    }

    /** An enabled probe's scope and destination. */
    record ProbeRow(UUID id, String name, String scope, UUID groupId, UUID targetId, String target, UUID targetGroupId,
                    int port, String protocol) {
    }

    private static final TypeReference<Map<String, Long>> TOTALS = new TypeReference<>() {
    };

    /** Heartbeat intervals after which a target's last heartbeat address no longer names it (as {@code SdService}'s). */
    static final int HEARTBEAT_FRESH_FOR = 10;

    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration heartbeatFresh;

    /** @param heartbeatInterval the interval agents are told to heartbeat at ({@code heartbeat.interval}) */
    DiscoveryReadStore(ObjectMapper mapper, Clock clock, Duration heartbeatInterval) {
        this.mapper = mapper;
        this.clock = clock;
        this.heartbeatFresh = heartbeatInterval.multipliedBy(HEARTBEAT_FRESH_FOR);
    }

    private static final String HOST = "SELECT scanned_at, received_at, partial, truncated, state_totals::text FROM discovery_hosts "
            + "WHERE target_id = ?";

    Optional<Host> host(Connection c, UUID target) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HOST)) {
            ps.setObject(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Host(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(),
                        rs.getBoolean(3), rs.getBoolean(4), totals(rs.getString(5)))) : Optional.empty();
            }
        }
    }

    Map<String, Long> totals(String json) {
        try {
            return mapper.readValue(json, TOTALS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String SERVICES = "SELECT protocol, bind, port, process, count FROM discovery_services WHERE target_id = ? "
            + "ORDER BY protocol, port, bind, process";

    List<DiscoveredService> services(Connection c, UUID target) throws SQLException {
        List<DiscoveredService> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SERVICES)) {
            ps.setObject(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DiscoveredService(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5)));
                }
            }
        }
        return out;
    }

    private static final String STATES = "SELECT state, process, container, local_port, remote_address, remote_port, count "
            + "FROM discovery_states WHERE target_id = ? ORDER BY count DESC, state, process, remote_address";

    List<DiscoveredState> states(Connection c, UUID target) throws SQLException {
        List<DiscoveredState> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(STATES)) {
            ps.setObject(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DiscoveredState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            rs.getInt(6), rs.getLong(7)));
                }
            }
        }
        return out;
    }

    private static final String EDGES = "SELECT e.target_id, t.group_id, e.direction, e.protocol, e.process, e.port, e.remote_address, "
            + "e.count, e.first_seen, h.scanned_at FROM discovery_edges e JOIN discovery_hosts h ON h.target_id = e.target_id "
            + "JOIN targets t ON t.id = e.target_id WHERE e.present AND t.status <> 'revoked'";

    /** The present edges of one target (null: of every target not revoked). */
    List<Edge> edges(Connection c, UUID target) throws SQLException {
        List<Edge> out = new ArrayList<>();
        String sql = EDGES + (target == null ? "" : " AND e.target_id = ?") + " ORDER BY e.count DESC, e.port, e.remote_address";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (target != null) {
                ps.setObject(1, target);
            }
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Edge(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getString(7), rs.getLong(8), rs.getTimestamp(9).toInstant(),
                            rs.getTimestamp(10).toInstant()));
                }
            }
        }
        return out;
    }

    private static final String TARGETS = "SELECT t.id, t.hostname, t.group_id, g.name, t.ip_address, t.reported_ip, "
            + "CASE WHEN t.last_heartbeat_at >= ? THEN t.last_heartbeat_ip END "
            + "FROM targets t LEFT JOIN groups g ON g.id = t.group_id WHERE t.status <> 'revoked'";

    List<TargetRow> targets(Connection c) throws SQLException {
        List<TargetRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS)) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().minus(heartbeatFresh)));
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TargetRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    private static final String PROBES = "SELECT id, name, scope, group_id, target_id, target, target_group_id, target_port, protocol "
            + "FROM probes WHERE enabled ORDER BY name, id";

    List<ProbeRow> probes(Connection c) throws SQLException {
        List<ProbeRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PROBES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ProbeRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                        rs.getObject(5, UUID.class), rs.getString(6), rs.getObject(7, UUID.class), rs.getInt(8), rs.getString(9)));
            }
        }
        return out;
    }

    /** A host's connection totals by state, for {@code aami_connections}. */
    record Totals(UUID targetId, String hostname, Map<String, Long> byState) {
    }

    private static final String TOTALS_ALL = "SELECT h.target_id, t.hostname, h.state_totals::text FROM discovery_hosts h "
            + "JOIN targets t ON t.id = h.target_id WHERE t.status <> 'revoked'";

    List<Totals> totals(Connection c) throws SQLException {
        List<Totals> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TOTALS_ALL)) {
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Totals(rs.getObject(1, UUID.class), rs.getString(2), totals(rs.getString(3))));
                }
            }
        }
        return out;
    }
}
