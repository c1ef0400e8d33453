package io.aami.server.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** SQL for the fleet summary: two grouped counts, each one index-only or sequential pass. */
final class FleetSummaryStore {
    private static final String TARGETS = "SELECT status, count(*) FROM targets GROUP BY status";

    Map<String, Long> targetsByStatus(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private static final String CHECKS = "SELECT status, count(*) FROM check_latest GROUP BY status";

    /** Latest check results by their stored status code. */
    Map<Integer, Long> checksByStatusCode(Connection c) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CHECKS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getLong(2));
            }
        }
        return out;
    }
}
