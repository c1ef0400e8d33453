package io.aami.server.checks;

import io.aami.common.policy.ExecutionDigest;
import io.aami.contract.checks.CheckKinds;
import io.aami.contract.checks.CheckView;
import io.aami.server.db.Jsonb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code checks}. */
public final class CheckStore {
    static final String COLUMNS = "id, name, description, interpreter, script, script_sha256, args, env, interval_seconds, "
            + "timeout_seconds, scope, group_id, target_id, labels, enabled, created_at, updated_at, kind, process";

    private static final String INSERT = "INSERT INTO checks (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb)";

    public void insert(Connection c, CheckView v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, v);
            ps.executeUpdate();
        }
    }

    private static final String UPDATE = "UPDATE checks SET id = ?, name = ?, description = ?, interpreter = ?, script = ?, "
            + "script_sha256 = ?, args = ?::jsonb, env = ?::jsonb, interval_seconds = ?, timeout_seconds = ?, scope = ?, "
            + "group_id = ?, target_id = ?, labels = ?::jsonb, enabled = ?, created_at = ?, updated_at = ?, kind = ?, "
            + "process = ?::jsonb WHERE id = ?";

    public void update(Connection c, CheckView v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            bind(ps, v);
            ps.setObject(20, v.id());
            ps.executeUpdate();
        }
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM checks WHERE id = ?";
    private static final String LOCK = FIND + " FOR UPDATE";

    public Optional<CheckView> find(Connection c, UUID id) throws SQLException {
        return one(c, FIND, id);
    }

    public Optional<CheckView> lock(Connection c, UUID id) throws SQLException {
        return one(c, LOCK, id);
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM checks "
            + "WHERE (?::uuid IS NULL OR group_id = ?) AND (?::uuid IS NULL OR target_id = ?) ORDER BY lower(name), scope, id";

    public List<CheckView> list(Connection c, UUID groupId, UUID targetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setObject(1, groupId);
            ps.setObject(2, groupId);
            ps.setObject(3, targetId);
            ps.setObject(4, targetId);
            return all(ps);
        }
    }

    // Target-level rows first, so the first row per name is the one that wins.
    private static final String EFFECTIVE = "SELECT " + COLUMNS + " FROM checks WHERE enabled "
            + "AND (scope = 'global' OR (scope = 'group' AND group_id = ?) OR (scope = 'target' AND target_id = ?)) "
            + "ORDER BY lower(name), CASE scope WHEN 'target' THEN 0 WHEN 'group' THEN 1 ELSE 2 END";

    /** Enabled checks that apply to a target in {@code groupId}: global, group and own, overrides included. */
    public List<CheckView> applicable(Connection c, UUID groupId, UUID targetId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EFFECTIVE)) {
            ps.setObject(1, groupId);
            ps.setObject(2, targetId);
            return all(ps);
        }
    }

    private static final String WITH_OWN = "SELECT DISTINCT target_id FROM checks WHERE scope = 'target' "
            + "AND target_id = ANY(?::uuid[])";

    /** Of {@code targetIds}, those with checks of their own (enabled or not): their policy is not their scope's. */
    public java.util.Set<UUID> withOwnChecks(Connection c, java.util.Collection<UUID> targetIds) throws SQLException {
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

    private static final String DELETE = "DELETE FROM checks WHERE id = ?";

    public boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static void bind(PreparedStatement ps, CheckView v) throws SQLException {
        ps.setObject(1, v.id());
        ps.setString(2, v.name());
        ps.setString(3, v.description());
        ps.setString(4, v.interpreter());
        ps.setString(5, v.script());
        ps.setString(6, v.scriptSha256());
        Jsonb.set(ps, 7, v.args());
        Jsonb.set(ps, 8, v.env());
        ps.setInt(9, v.intervalSeconds());
        ps.setInt(10, v.timeoutSeconds());
        ps.setString(11, v.scope());
        ps.setObject(12, v.groupId());
        ps.setObject(13, v.targetId());
        Jsonb.set(ps, 14, v.labels());
        ps.setBoolean(15, v.enabled());
        ps.setTimestamp(16, Timestamp.from(v.createdAt()));
        ps.setTimestamp(17, Timestamp.from(v.updatedAt()));
        ps.setString(18, CheckKinds.of(v.kind()));
        ps.setString(19, ProcessColumn.write(v.process()));
    }

    private Optional<CheckView> one(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            List<CheckView> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    private static List<CheckView> all(PreparedStatement ps) throws SQLException {
        List<CheckView> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    static CheckView map(ResultSet rs) throws SQLException {
        String scope = rs.getString("scope");
        String interpreter = rs.getString("interpreter");
        String scriptSha256 = rs.getString("script_sha256");
        List<String> args = Jsonb.list(rs, "args");
        Map<String, String> env = Jsonb.map(rs, "env");
        String digest = interpreter == null ? null : ExecutionDigest.of(interpreter, scriptSha256, args, env);
        return new CheckView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                interpreter, rs.getString("script"), scriptSha256, digest,
                args, env, rs.getInt("interval_seconds"), rs.getInt("timeout_seconds"), scope,
                rs.getObject("group_id", UUID.class), rs.getObject("target_id", UUID.class), "global".equals(scope),
                Jsonb.map(rs, "labels"), rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getString("kind"), ProcessColumn.read(rs.getString("process")));
    }
}
