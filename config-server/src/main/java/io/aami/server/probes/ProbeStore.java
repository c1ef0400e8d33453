package io.aami.server.probes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import io.aami.contract.probes.HttpProbeOptions;
import io.aami.contract.probes.IcmpProbeOptions;
import io.aami.contract.probes.ProbeView;
import io.aami.server.db.Jsonb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code probes}; an HTTP(S) or ICMP probe's options are one jsonb object in the wire's snake_case. */
public final class ProbeStore {
    private static final ObjectMapper JSON = WireJson.mapper();
    private static final String COLUMNS = "id, name, description, source_ip, source_port, target, target_group_id, target_port, "
            + "protocol, timeout_ms, interval_seconds, payload, expect, udp_no_reply_ok, scope, group_id, target_id, labels, "
            + "enabled, created_at, updated_at, http, icmp";

    private static final String INSERT = "INSERT INTO probes (" + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?::jsonb)";

    void insert(Connection c, ProbeView p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, p);
            ps.executeUpdate();
        }
    }

    private static final String UPDATE = "UPDATE probes SET id = ?, name = ?, description = ?, source_ip = ?, source_port = ?, "
            + "target = ?, target_group_id = ?, target_port = ?, protocol = ?, timeout_ms = ?, interval_seconds = ?, payload = ?, "
            + "expect = ?, udp_no_reply_ok = ?, scope = ?, group_id = ?, target_id = ?, labels = ?::jsonb, enabled = ?, "
            + "created_at = ?, updated_at = ?, http = ?::jsonb, icmp = ?::jsonb WHERE id = ?";

    void update(Connection c, ProbeView p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            bind(ps, p);
            ps.setObject(24, p.id());
            ps.executeUpdate();
        }
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM probes WHERE id = ?";

    Optional<ProbeView> find(Connection c, UUID id) throws SQLException {
        return first(query(c, FIND, id));
    }

    Optional<ProbeView> lock(Connection c, UUID id) throws SQLException {
        return first(query(c, FIND + " FOR UPDATE", id));
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM probes WHERE (?::uuid IS NULL OR group_id = ?) "
            + "AND (?::uuid IS NULL OR target_id = ?) ORDER BY lower(name), scope, id";

    List<ProbeView> list(Connection c, UUID groupId, UUID targetId) throws SQLException {
        return query(c, LIST, groupId, groupId, targetId, targetId);
    }

    // Target-level rows first, so the first row per name is the one that wins (as for checks).
    private static final String APPLICABLE = "SELECT " + COLUMNS + " FROM probes WHERE enabled "
            + "AND (scope = 'global' OR (scope = 'group' AND group_id = ?) OR (scope = 'target' AND target_id = ?)) "
            + "ORDER BY lower(name), CASE scope WHEN 'target' THEN 0 WHEN 'group' THEN 1 ELSE 2 END";

    List<ProbeView> applicable(Connection c, UUID groupId, UUID targetId) throws SQLException {
        return query(c, APPLICABLE, groupId, targetId);
    }

    private static final String DELETE = "DELETE FROM probes WHERE id = ?";

    void delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    /** A member of a destination group with an address to probe. */
    record Member(UUID id, String hostname, String address) {
    }

    private static final String WITH_OWN = "SELECT DISTINCT target_id FROM probes WHERE scope = 'target' "
            + "AND target_id = ANY(?::uuid[])";

    java.util.Set<UUID> withOwnProbes(Connection c, java.util.Collection<UUID> targetIds) throws SQLException {
        java.util.Set<UUID> out = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(WITH_OWN)) {
            ps.setArray(1, c.createArrayOf("uuid", targetIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return out;
    }

    private static final String MEMBERS = "SELECT id, hostname, ip_address FROM targets "
            + "WHERE group_id = ? AND ip_address IS NOT NULL AND status <> 'revoked' ORDER BY hostname, id";

    List<Member> members(Connection c, UUID groupId) throws SQLException {
        List<Member> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(MEMBERS)) {
            ps.setObject(1, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Member(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, ProbeView p) throws SQLException {
        ps.setObject(1, p.id());
        ps.setString(2, p.name());
        ps.setString(3, p.description());
        ps.setString(4, p.sourceIp());
        ps.setObject(5, p.sourcePort());
        ps.setString(6, p.target());
        ps.setObject(7, p.targetGroupId());
        ps.setInt(8, p.targetPort());
        ps.setString(9, p.protocol());
        ps.setInt(10, p.timeoutMs());
        ps.setInt(11, p.intervalSeconds());
        ps.setString(12, p.payload());
        ps.setString(13, p.expect());
        ps.setBoolean(14, p.udpNoReplyOk());
        ps.setString(15, p.scope());
        ps.setObject(16, p.groupId());
        ps.setObject(17, p.targetId());
        Jsonb.set(ps, 18, p.labels());
        ps.setBoolean(19, p.enabled());
        ps.setTimestamp(20, Timestamp.from(p.createdAt()));
        ps.setTimestamp(21, Timestamp.from(p.updatedAt()));
        try {
            ps.setString(22, p.http() == null ? null : JSON.writeValueAsString(p.http()));
            ps.setString(23, p.icmp() == null ? null : JSON.writeValueAsString(p.icmp()));
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode a probe's http options", e);
        }
    }

    private static IcmpProbeOptions icmp(ResultSet rs) throws SQLException {
        String json = rs.getString("icmp");
        try {
            return json == null ? null : JSON.readValue(json, IcmpProbeOptions.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("column icmp does not hold icmp options", e);
        }
    }

    private static HttpProbeOptions http(ResultSet rs) throws SQLException {
        String json = rs.getString("http");
        try {
            return json == null ? null : JSON.readValue(json, HttpProbeOptions.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("column http does not hold http options", e);
        }
    }

    private static List<ProbeView> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<ProbeView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    private static Optional<ProbeView> first(List<ProbeView> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static ProbeView map(ResultSet rs) throws SQLException {
        String scope = rs.getString("scope");
        return new ProbeView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                rs.getString("source_ip"), (Integer) rs.getObject("source_port"), rs.getString("target"),
                rs.getObject("target_group_id", UUID.class), rs.getInt("target_port"), rs.getString("protocol"),
                rs.getInt("timeout_ms"), rs.getInt("interval_seconds"), rs.getString("payload"), rs.getString("expect"),
                rs.getBoolean("udp_no_reply_ok"), scope, rs.getObject("group_id", UUID.class),
                rs.getObject("target_id", UUID.class), "global".equals(scope), Jsonb.map(rs, "labels"),
                rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                http(rs), icmp(rs));
    }
}
