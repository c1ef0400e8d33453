package io.aami.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The audit table read straight from the test database (not through the API under test). */
final class AuditRows {
    record Row(long id, String actorKind, UUID actorId, String actorName, String address, String action, String type,
               String objectId, JsonNode before, JsonNode after) {
    }

    private AuditRows() {
    }

    /** The id in a user token ({@code aami_u_<32 hex>_<secret>}), as the API and the audit log name it. */
    static String tokenId(String token) {
        String hex = token.substring("aami_u_".length(), "aami_u_".length() + 32);
        return hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
    }

    static Connection connect(TestDatabase.Coordinates db) throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    static long maxId(TestDatabase.Coordinates db) {
        return single(db, "SELECT coalesce(max(id), 0) FROM audit_events");
    }

    static long count(TestDatabase.Coordinates db) {
        return single(db, "SELECT count(*) FROM audit_events");
    }

    /** Every row with an id above {@code mark}, oldest first. */
    static List<Row> after(TestDatabase.Coordinates db, long mark) {
        String sql = "SELECT id, actor_kind, actor_id, actor_name, source_address, action, object_type, object_id, before::text,"
                + " after::text FROM audit_events WHERE id > ? ORDER BY id";
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, mark);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), json(rs.getString(9)), json(rs.getString(10))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row's whole text (actor, object, before and after), for the secret scan. */
    static List<String> allText(TestDatabase.Coordinates db) {
        try (Connection c = connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT row_to_json(a)::text FROM audit_events a ORDER BY id")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(TestDatabase.Coordinates db, String sql) {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long single(TestDatabase.Coordinates db, String sql) {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : Api.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
