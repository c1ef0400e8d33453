package io.aami.server.targets;

import io.aami.server.db.Jsonb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code targets}, except the heartbeat path (see {@code HeartbeatStore}). */
public final class TargetStore {
    static final String COLUMNS = "id, hostname, ip_address, group_id, labels, metadata, status, agent_token_sha256, "
            + "enrolled_by_token, agent_version, uptime_seconds, queue_depth, heartbeat_interval_seconds, policy_version, policy_error, certificate_expires_at, revoked_at, registered_at, "
            + "last_heartbeat_at, created_at, updated_at, reported_hostname, reported_ip, reported_labels, spool_dropped";

    /** Outcome of a pre-registration upsert. */
    public enum Upsert { CREATED, UPDATED, UNCHANGED }

    // The same body twice leaves the row (and updated_at) untouched: Terraform sees no drift.
    private static final String UPSERT = "INSERT INTO targets (id, hostname, group_id, labels, status, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?::jsonb, 'pending', ?, ?) "
            + "ON CONFLICT (id) DO UPDATE SET hostname = EXCLUDED.hostname, group_id = EXCLUDED.group_id, "
            + "labels = EXCLUDED.labels, updated_at = EXCLUDED.updated_at "
            + "WHERE (targets.hostname, targets.group_id, targets.labels) "
            + "IS DISTINCT FROM (EXCLUDED.hostname, EXCLUDED.group_id, EXCLUDED.labels) "
            + "RETURNING (xmax = 0) AS inserted";

    public Upsert upsert(Connection c, UUID id, String hostname, UUID groupId, Map<String, String> labels, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setObject(1, id);
            ps.setString(2, hostname);
            ps.setObject(3, groupId);
            Jsonb.set(ps, 4, labels);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Upsert.UNCHANGED;
                }
                return rs.getBoolean("inserted") ? Upsert.CREATED : Upsert.UPDATED;
            }
        }
    }

    private static final String GROUPS_OF = "SELECT id, group_id FROM targets WHERE id = ANY(?::uuid[])";

    /** The group of each of {@code ids} that exists (value null: in no group); missing ids are left out. */
    public Map<UUID, UUID> groupsOf(Connection c, java.util.Collection<UUID> ids) throws SQLException {
        Map<UUID, UUID> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(GROUPS_OF)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
                }
            }
        }
        return out;
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM targets WHERE id = ?";

    public Optional<Target> find(Connection c, UUID id) throws SQLException {
        return one(c, FIND, id);
    }

    private static final String LOCK = FIND + " FOR UPDATE";

    /** The row, locked until commit, so two enrollments of one id cannot interleave. */
    public Optional<Target> lock(Connection c, UUID id) throws SQLException {
        return one(c, LOCK, id);
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM targets "
            + "WHERE (?::uuid IS NULL OR group_id = ?) AND (?::text IS NULL OR status = ?) AND (?::uuid IS NULL OR id > ?) "
            + "ORDER BY id LIMIT ?";

    /** One page in id order; {@code after} is the last id of the previous page. */
    public List<Target> list(Connection c, UUID groupId, String status, UUID after, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setObject(1, groupId);
            ps.setObject(2, groupId);
            ps.setString(3, status);
            ps.setString(4, status);
            ps.setObject(5, after);
            ps.setObject(6, after);
            ps.setInt(7, limit);
            List<Target> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    private static final String INSERT_RECORD = "INSERT INTO targets (id, hostname, group_id, labels, status, created_at, "
            + "updated_at) VALUES (?, ?, ?, ?::jsonb, 'pending', ?, ?)";

    /** The operator's part of a target an agent creates by enrolling; {@link #attach} follows in the same transaction. */
    public void insertRecord(Connection c, UUID id, String hostname, UUID groupId, Map<String, String> labels, Instant at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_RECORD)) {
            ps.setObject(1, id);
            ps.setString(2, hostname);
            ps.setObject(3, groupId);
            Jsonb.set(ps, 4, labels);
            ps.setTimestamp(5, Timestamp.from(at));
            ps.setTimestamp(6, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    // hostname, group_id and labels are the operator's record: an enrollment never writes them here.
    // ip_address has no operator value (PUT takes none), so it follows the agent's report.
    private static final String ATTACH = "UPDATE targets SET ip_address = ?, reported_hostname = ?, reported_ip = ?, "
            + "reported_labels = ?::jsonb, metadata = ?::jsonb, status = 'online', agent_token_sha256 = ?, enrolled_by_token = ?, "
            + "heartbeat_interval_seconds = ?, registered_at = coalesce(registered_at, ?), last_heartbeat_at = ?, "
            + "offline_after = ?, updated_at = ? WHERE id = ?";

    /** An agent (re)attaching to its target: its report stored beside the record, new credential, fresh contact. */
    public void attach(Connection c, Enrollment e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ATTACH)) {
            ps.setString(1, e.report().ipAddress());
            ps.setString(2, e.report().hostname());
            ps.setString(3, e.report().ipAddress());
            Jsonb.set(ps, 4, e.report().labels());
            Jsonb.set(ps, 5, e.report().metadata());
            ps.setBytes(6, e.agentTokenSha256());
            ps.setString(7, e.tokenId());
            ps.setInt(8, e.heartbeatIntervalSeconds());
            Timestamp now = Timestamp.from(e.at());
            ps.setTimestamp(9, now);
            ps.setTimestamp(10, now);
            ps.setTimestamp(11, Timestamp.from(e.offlineAfter()));
            ps.setTimestamp(12, now);
            ps.setObject(13, e.id());
            ps.executeUpdate();
        }
    }

    private static final String DELETE = "DELETE FROM targets WHERE id = ?";

    public boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static final String RETIRE = "INSERT INTO retired_agent_ids (id, reason, retired_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING";

    /** Records that {@code id} must never be enrolled again ({@code reason}: deleted or revoked). */
    public void retire(Connection c, UUID id, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RETIRE)) {
            ps.setObject(1, id);
            ps.setString(2, reason);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    private static final String RETIRED = "SELECT reason FROM retired_agent_ids WHERE id = ?";

    /** Why {@code id} is retired, if it is. */
    public Optional<String> retired(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RETIRED)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static final String REVOKE = "UPDATE targets SET status = 'revoked', revoked_at = coalesce(revoked_at, ?), "
            + "updated_at = ? WHERE id = ? RETURNING group_id";

    /** Marks the target revoked; empty when it does not exist, else its group (may be null). */
    public Optional<Optional<UUID>> revoke(Connection c, UUID id, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setObject(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Optional.ofNullable(rs.getObject(1, UUID.class))) : Optional.empty();
            }
        }
    }

    private static final String ENROLLED_BY = "SELECT id FROM targets WHERE enrolled_by_token = ? AND status <> 'revoked'";

    /** Targets enrolled with the bootstrap token {@code tokenId} and not yet revoked. */
    public List<UUID> enrolledBy(Connection c, String tokenId) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ENROLLED_BY)) {
            ps.setString(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return out;
    }

    /** What an agent says about itself when it enrolls (labels and metadata never null). */
    public record Report(String hostname, String ipAddress, Map<String, String> labels, Map<String, String> metadata) {
    }

    /** Everything an enrollment writes. */
    public record Enrollment(UUID id, Report report, byte[] agentTokenSha256, String tokenId, int heartbeatIntervalSeconds,
                             Instant at, Instant offlineAfter) {
    }

    private Optional<Target> one(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    static Target map(ResultSet rs) throws SQLException {
        return new Target(rs.getObject("id", UUID.class), rs.getString("hostname"), rs.getString("ip_address"),
                rs.getObject("group_id", UUID.class), Jsonb.map(rs, "labels"), Jsonb.map(rs, "metadata"),
                rs.getString("status"), rs.getBytes("agent_token_sha256"), rs.getString("enrolled_by_token"),
                rs.getString("agent_version"), (Long) rs.getObject("uptime_seconds"), (Integer) rs.getObject("queue_depth"),
                (Integer) rs.getObject("heartbeat_interval_seconds"), (Long) rs.getObject("policy_version"),
                rs.getString("policy_error"), instant(rs, "certificate_expires_at"), instant(rs, "revoked_at"),
                instant(rs, "registered_at"),
                instant(rs, "last_heartbeat_at"), instant(rs, "created_at"), instant(rs, "updated_at"),
                rs.getString("reported_hostname"), rs.getString("reported_ip"),
                rs.getString("reported_labels") == null ? null : Jsonb.map(rs, "reported_labels"),
                (Long) rs.getObject("spool_dropped"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
