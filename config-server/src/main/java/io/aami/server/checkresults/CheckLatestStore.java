package io.aami.server.checkresults;

import io.aami.server.db.JdbcTimes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Reads {@code check_latest}. */
public final class CheckLatestStore {
    /** One latest result. */
    public record Row(UUID checkId, long seq, int status, Integer exitCode, String output, boolean truncated, boolean timedOut,
                      long durationMs, Instant executedAt, Instant receivedAt) {
    }

    private static final String FOR_TARGET = "SELECT check_id, seq, status, exit_code, output, truncated, timed_out, "
            + "duration_ms, executed_at, received_at FROM check_latest WHERE target_id = ?";

    Map<UUID, Row> forTarget(Connection c, UUID target) throws SQLException {
        Map<UUID, Row> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FOR_TARGET)) {
            ps.setObject(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row(rs.getObject("check_id", UUID.class), rs.getLong("seq"), rs.getInt("status"),
                            (Integer) rs.getObject("exit_code"), rs.getString("output"), rs.getBoolean("truncated"),
                            rs.getBoolean("timed_out"), rs.getLong("duration_ms"), JdbcTimes.instant(rs, "executed_at"),
                            JdbcTimes.instant(rs, "received_at"));
                    out.put(r.checkId(), r);
                }
            }
        }
        return out;
    }
}
