package io.aami.server.sessions;

import io.aami.server.security.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code sessions}. */
final class SessionStore {
    private static final String INSERT = "INSERT INTO sessions (id, secret_sha256, user_id, created_at, last_seen_at, address)"
            + " VALUES (?, ?, ?, ?, ?, ?)";

    void insert(Connection c, UUID id, byte[] secretSha256, UUID userId, Instant now, String address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, id);
            ps.setBytes(2, secretSha256);
            ps.setObject(3, userId);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setString(6, address);
            ps.executeUpdate();
        }
    }

    private static final String FIND = "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, u.name, u.role, u.disabled"
            + " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.secret_sha256 = ?";

    /** The session with its user's current name, role and state: what every request with the cookie costs. */
    Optional<Session> find(Connection c, byte[] secretSha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setBytes(1, secretSha256);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Session(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant(), rs.getString(5),
                        Role.fromWire(rs.getString(6)).orElseThrow(), rs.getBoolean(7)));
            }
        }
    }

    private static final String TOUCH = "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?";

    /** Moves the session's last use to {@code now} (never backwards: another replica may have moved it further). */
    void touch(Connection c, UUID id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TOUCH)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, id);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    private static final String DELETE = "DELETE FROM sessions WHERE id = ?";

    boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static final String DELETE_ENDED = "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions"
            + " WHERE last_seen_at < ? OR created_at < ? LIMIT ?)";

    /** Deletes up to {@code limit} ended sessions (idle since {@code idleBefore} or made before {@code createdBefore}). */
    int deleteEnded(Connection c, Instant idleBefore, Instant createdBefore, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE_ENDED)) {
            ps.setTimestamp(1, Timestamp.from(idleBefore));
            ps.setTimestamp(2, Timestamp.from(createdBefore));
            ps.setInt(3, limit);
            return ps.executeUpdate();
        }
    }
}
