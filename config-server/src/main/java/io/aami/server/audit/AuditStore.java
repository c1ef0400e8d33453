package io.aami.server.audit;

import io.aami.contract.audit.AuditEventView;
import io.aami.server.db.JdbcTimes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for {@code audit_events}: append, read a page, delete the oldest. Nothing here updates a row. */
public final class AuditStore {
    private static final String INSERT = "INSERT INTO audit_events (at, actor_kind, actor_id, actor_name, source_address, action, "
            + "object_type, object_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)";

    void insert(Connection c, Instant at, Actor actor, Change change, String before, String after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setObject(1, JdbcTimes.utc(at));
            ps.setString(2, actor.kind());
            ps.setObject(3, actor.userId());
            ps.setString(4, actor.name());
            ps.setString(5, actor.address());
            ps.setString(6, change.action());
            ps.setString(7, change.objectType());
            ps.setString(8, change.objectId());
            ps.setString(9, before);
            ps.setString(10, after);
            ps.executeUpdate();
        }
    }

    /** {@code rows} as one batch (the driver rewrites it to multi-row INSERTs): one round trip, not one per change. */
    void insertAll(Connection c, Instant at, Actor actor, List<Change> changes, List<String[]> beforeAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (int i = 0; i < changes.size(); i++) {
                Change change = changes.get(i);
                ps.setObject(1, JdbcTimes.utc(at));
                ps.setString(2, actor.kind());
                ps.setObject(3, actor.userId());
                ps.setString(4, actor.name());
                ps.setString(5, actor.address());
                ps.setString(6, change.action());
                ps.setString(7, change.objectType());
                ps.setString(8, change.objectId());
                ps.setString(9, beforeAfter.get(i)[0]);
                ps.setString(10, beforeAfter.get(i)[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static final String SELECT = "SELECT id, at, actor_kind, actor_id, actor_name, source_address, action, object_type, "
            + "object_id, before, after FROM audit_events WHERE true";
    private static final String BY_ACTOR_ID = " AND actor_id = ?";
    private static final String BY_ACTOR_NAME = " AND lower(actor_name) = lower(?)";
    private static final String BY_TYPE = " AND object_type = ?";
    private static final String BY_OBJECT_ID = " AND object_id = ?";
    private static final String SINCE = " AND at >= ?";
    private static final String UNTIL = " AND at < ?";
    private static final String AFTER = " AND id < ?";
    private static final String PAGE = " ORDER BY id DESC LIMIT ?";

    /** One page, newest first; each filter adds a fixed condition and binds its value (never text in the SQL). */
    List<AuditEventView> page(Connection c, AuditQuery q) throws SQLException {
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SELECT);
        where(sql, values, BY_ACTOR_ID, q.actorId());
        where(sql, values, BY_ACTOR_NAME, q.actorName());
        where(sql, values, BY_TYPE, q.objectType());
        where(sql, values, BY_OBJECT_ID, q.objectId());
        where(sql, values, SINCE, q.since() == null ? null : JdbcTimes.utc(q.since()));
        where(sql, values, UNTIL, q.until() == null ? null : JdbcTimes.utc(q.until()));
        where(sql, values, AFTER, q.after());
        sql.append(PAGE);
        values.add(q.limit());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
            List<AuditEventView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    private static void where(StringBuilder sql, List<Object> values, String condition, Object value) {
        if (value != null) {
            sql.append(condition);
            values.add(value);
        }
    }

    private static final String PRUNE = "DELETE FROM audit_events WHERE id IN "
            + "(SELECT id FROM audit_events WHERE at < ? ORDER BY at LIMIT ?)";

    /** Deletes at most {@code batch} events older than {@code before}; returns how many. */
    int prune(Connection c, Instant before, int batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setObject(1, JdbcTimes.utc(before));
            ps.setInt(2, batch);
            return ps.executeUpdate();
        }
    }

    private static AuditEventView map(ResultSet rs) throws SQLException {
        return new AuditEventView(rs.getLong("id"), JdbcTimes.instant(rs, "at"), rs.getString("actor_kind"),
                rs.getObject("actor_id", UUID.class), rs.getString("actor_name"), rs.getString("source_address"),
                rs.getString("action"), rs.getString("object_type"), rs.getString("object_id"), rs.getString("before"),
                rs.getString("after"));
    }
}
