package io.aami.server.users;

import io.aami.server.security.Role;
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

/** SQL for {@code user_tokens}. */
public final class UserTokenStore {
    private static final String COLUMNS = "t.id, t.user_id, t.name, t.secret_sha256, t.created_at, t.expires_at, t.revoked_at,"
            + " t.last_used_at, u.name AS user_name, u.role AS user_role, u.disabled AS user_disabled";

    private static final String INSERT = "INSERT INTO user_tokens (id, user_id, name, secret_sha256, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)";

    void insert(Connection c, UserToken t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, t.id());
            ps.setObject(2, t.userId());
            ps.setString(3, t.name());
            ps.setBytes(4, t.secretSha256());
            ps.setTimestamp(5, Timestamp.from(t.createdAt()));
            ps.setTimestamp(6, t.expiresAt() == null ? null : Timestamp.from(t.expiresAt()));
            ps.executeUpdate();
        }
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?";

    /** One token with its user's current state, by primary key: what every request with a user token costs. */
    Optional<UserToken> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static final String LIST = "SELECT " + COLUMNS
            + " FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = ? ORDER BY t.created_at, t.id";

    List<UserToken> list(Connection c, UUID userId) throws SQLException {
        List<UserToken> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setObject(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
        }
        return out;
    }

    private static final String COUNT_LIVE = "SELECT count(*) FROM user_tokens WHERE user_id = ? AND revoked_at IS NULL"
            + " AND (expires_at IS NULL OR expires_at > ?)";

    int countLive(Connection c, UUID userId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT_LIVE)) {
            ps.setObject(1, userId);
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static final String REVOKE = "UPDATE user_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND user_id = ?";

    /** Revokes one of {@code userId}'s tokens (again: a no-op); false when it has no such token. */
    boolean revoke(Connection c, UUID userId, UUID id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, id);
            ps.setObject(3, userId);
            return ps.executeUpdate() == 1;
        }
    }

    private static final String REVOKE_ALL = "UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

    int revokeAll(Connection c, UUID userId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REVOKE_ALL)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, userId);
            return ps.executeUpdate();
        }
    }

    /** Only ever moves forward: another replica may have written a later use first. */
    private static final String TOUCH = "UPDATE user_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)";

    /** Writes many tokens' last use in one batch (the write-behind flush). */
    void touch(Connection c, Map<UUID, Instant> lastUses) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
            for (Map.Entry<UUID, Instant> e : lastUses.entrySet()) {
                ps.setTimestamp(1, Timestamp.from(e.getValue()));
                ps.setObject(2, e.getKey());
                ps.setTimestamp(3, Timestamp.from(e.getValue()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static UserToken map(ResultSet rs) throws SQLException {
        return new UserToken(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
                rs.getBytes("secret_sha256"), instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "revoked_at"),
                instant(rs, "last_used_at"), rs.getString("user_name"), Role.fromWire(rs.getString("user_role")).orElseThrow(),
                rs.getBoolean("user_disabled"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
