package io.aami.server.tokens;

import io.aami.contract.tokens.BootstrapTokenUseView;
import io.aami.server.db.Jsonb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code bootstrap_tokens}. */
public final class BootstrapTokenStore {
    private static final String COLUMNS =
            "id, name, secret_sha256, group_id, labels, allowed_cidrs, max_uses, uses, expires_at, revoked_at, created_at";

    private static final String INSERT = "INSERT INTO bootstrap_tokens (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, 0, ?, NULL, ?)";

    public void insert(Connection c, BootstrapToken t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, t.id());
            ps.setString(2, t.name());
            ps.setBytes(3, t.secretSha256());
            ps.setObject(4, t.groupId());
            Jsonb.set(ps, 5, t.labels());
            Jsonb.set(ps, 6, t.allowedCidrs());
            ps.setInt(7, t.maxUses());
            ps.setTimestamp(8, Timestamp.from(t.expiresAt()));
            ps.setTimestamp(9, Timestamp.from(t.createdAt()));
            ps.executeUpdate();
        }
    }

    private static final String LIST = "SELECT " + COLUMNS + " FROM bootstrap_tokens ORDER BY created_at DESC, id";

    public List<BootstrapToken> list(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            return rows(ps);
        }
    }

    private static final String NEWEST = LIST + " LIMIT ?";

    /** The {@code limit} newest tokens: a page need not read a token per host to draw a few hundred. */
    public List<BootstrapToken> newest(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NEWEST)) {
            ps.setInt(1, limit);
            return rows(ps);
        }
    }

    private List<BootstrapToken> rows(PreparedStatement ps) throws SQLException {
        List<BootstrapToken> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    private static final String FIND = "SELECT " + COLUMNS + " FROM bootstrap_tokens WHERE id = ?";

    public Optional<BootstrapToken> find(Connection c, String id) throws SQLException {
        return findWith(c, FIND, id);
    }

    /** Row lock held to commit: concurrent enrollments with one token queue here, so uses never overshoot. */
    private static final String LOCK = FIND + " FOR UPDATE";

    public Optional<BootstrapToken> lockForUse(Connection c, String id) throws SQLException {
        return findWith(c, LOCK, id);
    }

    private static final String COUNT_USE = "UPDATE bootstrap_tokens SET uses = uses + 1 WHERE id = ?";

    public void countUse(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COUNT_USE)) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static final String REVOKE =
            "UPDATE bootstrap_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?";

    /** False when no such token exists; revoking twice keeps the first time. */
    public boolean revoke(Connection c, String id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REVOKE)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static final String IN_GROUP = "SELECT " + COLUMNS + " FROM bootstrap_tokens WHERE group_id = ? ORDER BY id";

    /**
     * The group's tokens, not locked: an enrollment holds its token's lock while it waits for the group's row,
     * which a group's deletion holds, so locking here could deadlock; {@link #deleteDead} re-checks instead.
     */
    public List<BootstrapToken> inGroup(Connection c, UUID groupId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IN_GROUP)) {
            ps.setObject(1, groupId);
            return rows(ps);
        }
    }

    private static final String DELETE_DEAD = "DELETE FROM bootstrap_tokens WHERE id = ? "
            + "AND (revoked_at IS NOT NULL OR uses >= max_uses OR expires_at <= ?)";

    /**
     * Deletes the token if it can no longer enroll (false otherwise: a live token is never deleted). Its uses go
     * with it (V005's cascade) and targets it enrolled forget it (V001's {@code SET NULL}): a later token
     * drawing the same public id must not inherit them.
     */
    public boolean deleteDead(Connection c, String id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DELETE_DEAD)) {
            ps.setString(1, id);
            ps.setTimestamp(2, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    // Attempts with an id that matches no token are not audited (there is nothing to attach them to).
    private static final String RECORD_USE = "INSERT INTO bootstrap_token_uses (token_id, used_at, source_ip, target_id, outcome) "
            + "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM bootstrap_tokens WHERE id = ?)";

    public void recordUse(Connection c, String tokenId, Instant at, String sourceIp, UUID targetId, String outcome)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD_USE)) {
            ps.setString(1, tokenId);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, sourceIp);
            ps.setObject(4, targetId);
            ps.setString(5, outcome);
            ps.setString(6, tokenId);
            ps.executeUpdate();
        }
    }

    private static final String USES = "SELECT used_at, source_ip, target_id, outcome FROM bootstrap_token_uses "
            + "WHERE token_id = ? ORDER BY used_at DESC, id DESC LIMIT 1000";

    public List<BootstrapTokenUseView> uses(Connection c, String tokenId) throws SQLException {
        List<BootstrapTokenUseView> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(USES)) {
            ps.setString(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BootstrapTokenUseView(rs.getTimestamp(1).toInstant(), rs.getString(2),
                            rs.getObject(3, UUID.class), rs.getString(4)));
                }
            }
        }
        return out;
    }

    private Optional<BootstrapToken> findWith(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static BootstrapToken map(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new BootstrapToken(rs.getString("id"), rs.getString("name"), rs.getBytes("secret_sha256"),
                rs.getObject("group_id", UUID.class), Jsonb.map(rs, "labels"), Jsonb.list(rs, "allowed_cidrs"),
                rs.getInt("max_uses"), rs.getInt("uses"), rs.getTimestamp("expires_at").toInstant(),
                revoked == null ? null : revoked.toInstant(), rs.getTimestamp("created_at").toInstant());
    }
}
