package io.aami.server.users;

import io.aami.server.security.Role;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code users}. */
public final class UserStore {
    private static final String COLUMNS = "id, name, role, password_hash, disabled, created_at, updated_at";

    private static final String INSERT = "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";

    void insert(Connection c, User u) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, u.id());
            ps.setString(2, u.name());
            ps.setString(3, u.role().wire());
            ps.setString(4, u.passwordHash());
            ps.setBoolean(5, u.disabled());
            ps.setTimestamp(6, Timestamp.from(u.createdAt()));
            ps.setTimestamp(7, Timestamp.from(u.updatedAt()));
            ps.executeUpdate();
        }
    }

    private static final String UPDATE = "UPDATE users SET role = ?, password_hash = ?, disabled = ?, updated_at = ? WHERE id = ?";

    void update(Connection c, User u) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setString(1, u.role().wire());
            ps.setString(2, u.passwordHash());
            ps.setBoolean(3, u.disabled());
            ps.setTimestamp(4, Timestamp.from(u.updatedAt()));
            ps.setObject(5, u.id());
            ps.executeUpdate();
        }
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM users WHERE id = ?";

    Optional<User> find(Connection c, UUID id) throws SQLException {
        return one(c, FIND, id);
    }

    private static final String LOCK = FIND + " FOR UPDATE";

    /** The user, its row locked until the transaction ends: changes to one user (and its tokens) take turns. */
    Optional<User> lock(Connection c, UUID id) throws SQLException {
        return one(c, LOCK, id);
    }

    private static final String FIND_BY_NAME = "SELECT " + COLUMNS + " FROM users WHERE lower(name) = lower(?)";

    Optional<User> findByName(Connection c, String name) throws SQLException {
        return one(c, FIND_BY_NAME, name);
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM users ORDER BY lower(name)";

    List<User> list(Connection c) throws SQLException {
        List<User> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    // The sessions table is the sessions feature's, which depends on users: users ends them with this one statement
    // so a disable, a new password or a revocation of every token ends them in its own transaction.
    private static final String END_SESSIONS = "DELETE FROM sessions WHERE user_id = ?";

    /** Ends every console session of the user at once (not at their next use: re-enabling must not revive them); how many. */
    int endSessions(Connection c, UUID userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(END_SESSIONS)) {
            ps.setObject(1, userId);
            return ps.executeUpdate();
        }
    }

    private static final String DELETE = "DELETE FROM users WHERE id = ?";

    boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Locks every enabled admin's row and returns their ids. Two transactions demoting two different admins
     * both take this first, so the second waits for the first and then sees its change (READ COMMITTED
     * re-checks a locked row that changed): the last enabled admin can never be removed by a race.
     */
    private static final String LOCK_ADMINS = "SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE";

    List<UUID> lockEnabledAdmins(Connection c) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LOCK_ADMINS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
        }
        return out;
    }

    private static Optional<User> one(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getString("name"),
                Role.fromWire(rs.getString("role")).orElseThrow(), rs.getString("password_hash"), rs.getBoolean("disabled"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
