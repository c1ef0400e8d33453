package io.aami.server.console.checks;

import io.aami.server.db.Jsonb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL for the check pages: a few whole-page queries, never one per row. Failing results are found through V025's
 * partial index of the failing latest rows ({@code status <> 0}), usually few, whatever the fleet's size.
 */
final class CheckPagesStore {
    /** A page lists at most this many checks (the list says so when there are more). */
    static final int MAX_CHECKS = 1_000;
    /** A check's page lists at most this many failing targets. */
    static final int MAX_FAILING = 200;

    // A process or passive check has no interpreter: its kind stands in that column.
    private static final String SELECT = "SELECT c.id, c.name, coalesce(c.interpreter, c.kind), c.interval_seconds, c.timeout_seconds, c.scope, "
            + "c.group_id, g.name, c.target_id, t.hostname, t.group_id, t.status, c.labels, c.enabled FROM checks c "
            + "LEFT JOIN groups g ON g.id = c.group_id LEFT JOIN targets t ON t.id = c.target_id ";
    private static final String LIST = SELECT + "ORDER BY lower(c.name), c.scope, c.id LIMIT ?";

    /** Up to {@code limit} checks, without their counts. */
    List<CheckRow> checks(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setInt(1, limit);
            return rows(ps);
        }
    }

    // Only checks of the same name (as the policy compares names) decide where a check runs: see console.Reach.
    private static final String NAMESAKES = SELECT + "WHERE lower(c.name) = (SELECT lower(name) FROM checks WHERE id = ?)";

    /** The check {@code id} and every check of the same name, without their counts. */
    List<CheckRow> namesakes(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NAMESAKES)) {
            ps.setObject(1, id);
            return rows(ps);
        }
    }

    private static List<CheckRow> rows(PreparedStatement ps) throws SQLException {
        List<CheckRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new CheckRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                        rs.getString(6), rs.getObject(7, UUID.class), rs.getString(8), rs.getObject(9, UUID.class),
                        rs.getString(10), rs.getObject(11, UUID.class), rs.getString(12) != null
                        && !rs.getString(12).equals("revoked"), Jsonb.map(rs, "labels"), rs.getBoolean(14), 0, 0));
            }
        }
        return out;
    }

    private static final String FAILING_BY_CHECK = "SELECT l.check_id, count(*) FROM check_latest l "
            + "JOIN targets t ON t.id = l.target_id WHERE l.status <> 0 AND t.status <> 'revoked' GROUP BY l.check_id";

    /** Live targets whose latest result of each check is not ok, by check. */
    Map<UUID, Long> failingByCheck(Connection c) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FAILING_BY_CHECK); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return out;
    }

    private static final String FAILING_OF = "SELECT count(*) FROM check_latest l JOIN targets t ON t.id = l.target_id "
            + "WHERE l.check_id = ? AND l.status <> 0 AND t.status <> 'revoked'";

    /** As {@link #failingByCheck} for one check. */
    long failingOf(Connection c, UUID checkId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FAILING_OF)) {
            ps.setObject(1, checkId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static final String STATUS_COUNTS = "SELECT l.status, count(*) FROM check_latest l "
            + "JOIN targets t ON t.id = l.target_id WHERE l.check_id = ? AND t.status <> 'revoked' GROUP BY l.status";

    /** One check's latest results of live targets by stored status code. */
    Map<Integer, Long> statusCounts(Connection c, UUID checkId) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(STATUS_COUNTS)) {
            ps.setObject(1, checkId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static final String FAILING = "SELECT t.id, t.hostname, t.status, l.status, l.output, l.executed_at, l.received_at "
            + "FROM check_latest l JOIN targets t ON t.id = l.target_id "
            + "WHERE l.check_id = ? AND l.status <> 0 AND t.status <> 'revoked' ORDER BY l.status DESC, t.hostname, t.id LIMIT ?";

    /** The live targets whose latest result of {@code checkId} is not ok, worst first, at most {@code limit}. */
    List<FailingTarget.Row> failing(Connection c, UUID checkId, int limit) throws SQLException {
        List<FailingTarget.Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FAILING)) {
            ps.setObject(1, checkId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FailingTarget.Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant()));
                }
            }
        }
        return out;
    }
}
