package io.aami.server.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;

/** Reads the fleet's latest state for the Prometheus export: never history, one pass per table. */
final class FleetStore {
    record AgentRow(String agentId, String hostname, String group, String status, Instant lastHeartbeat) {
    }

    record CheckRow(String agentId, String hostname, String group, String targetStatus, String check, int intervalSeconds,
                    int timeoutSeconds, int status, long durationMs, Instant executedAt, Instant receivedAt) {
    }

    private static final String AGENTS = "SELECT t.id, t.hostname, coalesce(g.name, '') AS grp, t.status, t.last_heartbeat_at "
            + "FROM targets t LEFT JOIN groups g ON g.id = t.group_id";

    void agents(Connection c, Consumer<AgentRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AGENTS)) {
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5)));
                }
            }
        }
    }

    // One series per (agent, check name): when an override replaced a check of the same name, the
    // most recently received result wins, so the exposition never holds duplicate series.
    private static final String CHECKS = "SELECT DISTINCT ON (l.target_id, k.name) l.target_id, t.hostname, "
            + "coalesce(g.name, '') AS grp, t.status, k.name, k.interval_seconds, k.timeout_seconds, l.status, "
            + "l.duration_ms, l.executed_at, l.received_at FROM check_latest l JOIN checks k ON k.id = l.check_id "
            + "JOIN targets t ON t.id = l.target_id LEFT JOIN groups g ON g.id = t.group_id "
            + "ORDER BY l.target_id, k.name, l.received_at DESC";

    void checks(Connection c, Consumer<CheckRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new CheckRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), instant(rs, 10),
                            instant(rs, 11)));
                }
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
