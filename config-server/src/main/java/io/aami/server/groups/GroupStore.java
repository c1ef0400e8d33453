package io.aami.server.groups;

import io.aami.contract.groups.GroupView;
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

/** SQL for {@code groups}. */
public final class GroupStore {
    private static final String COLUMNS = "id, name, description, labels, created_at, updated_at";

    private static final String INSERT =
            "INSERT INTO groups (" + COLUMNS + ") VALUES (?, ?, ?, ?::jsonb, ?, ?)";

    public void insert(Connection c, GroupView g) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, g.id());
            ps.setString(2, g.name());
            ps.setString(3, g.description());
            Jsonb.set(ps, 4, g.labels());
            ps.setTimestamp(5, Timestamp.from(g.createdAt()));
            ps.setTimestamp(6, Timestamp.from(g.updatedAt()));
            ps.executeUpdate();
        }
    }

    private static final String UPDATE =
            "UPDATE groups SET name = ?, description = ?, labels = ?::jsonb, updated_at = ? WHERE id = ?";

    public boolean update(Connection c, GroupView g) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setString(1, g.name());
            ps.setString(2, g.description());
            Jsonb.set(ps, 3, g.labels());
            ps.setTimestamp(4, Timestamp.from(g.updatedAt()));
            ps.setObject(5, g.id());
            return ps.executeUpdate() == 1;
        }
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM groups WHERE id = ?";

    public Optional<GroupView> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static final String LOCK = FIND + " FOR UPDATE";

    /** The group, locked until the transaction ends: a change's audited "before" is the state it replaced. */
    public Optional<GroupView> lock(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM groups ORDER BY lower(name)";

    public List<GroupView> list(Connection c) throws SQLException {
        List<GroupView> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    private static final String DELETE = "DELETE FROM groups WHERE id = ?";

    public boolean delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setObject(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static final String EXISTS = "SELECT 1 FROM groups WHERE id = ?";

    public boolean exists(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXISTS)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static GroupView map(ResultSet rs) throws SQLException {
        return new GroupView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("description"),
                Jsonb.map(rs, "labels"), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
