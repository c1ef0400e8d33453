package io.aami.server.metrics;

import io.aami.server.targets.Target;
import io.aami.server.results.Staleness;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads the fleet's latest state for the Prometheus export: never history, one unsorted pass per
 * table, plain doubles rather than objects (epoch seconds via date_part, not extract, whose numeric
 * result costs a BigDecimal per cell; staleness computed by PostgreSQL), because a scrape may read
 * a hundred thousand rows.
 */
final class FleetStore {
    record AgentRow(String agentId, String hostname, String group, boolean online, double lastHeartbeat) {
    }

    record CheckRow(String agentId, String hostname, String group, String check, int status, double durationSeconds,
                    double executedAt, double receivedAt, boolean stale) {
    }

    private static final String AGENTS = "SELECT t.id::text, t.hostname, coalesce(g.name, ''), t.status = 'online', "
            + "coalesce(date_part('epoch', t.last_heartbeat_at), -1) FROM targets t LEFT JOIN groups g ON g.id = t.group_id";

    void agents(Connection c, Consumer<AgentRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AGENTS)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getDouble(5)));
                }
            }
        }
    }

    // Staleness's rule, with its parameters bound: the agent is not online, or no result within N × interval + timeout.
    private static final String CHECKS = "SELECT l.target_id::text, t.hostname, coalesce(g.name, ''), k.name, l.status, "
            + "l.duration_ms::float8 / 1000, date_part('epoch', l.executed_at), date_part('epoch', l.received_at), "
            + "t.status <> ? OR l.received_at < ?::timestamptz - make_interval(secs => ? * k.interval_seconds + k.timeout_seconds) "
            + "FROM check_latest l JOIN checks k ON k.id = l.check_id JOIN targets t ON t.id = l.target_id "
            + "LEFT JOIN groups g ON g.id = t.group_id";

    void checks(Connection c, Instant now, Consumer<CheckRow> sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setString(1, Target.ONLINE);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, Staleness.MISSED_INTERVALS);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new CheckRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getBoolean(9)));
                }
            }
        }
    }
}
