package io.aami.server.proberesults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Reads {@code probe_latest}. */
final class ProbeLatestStore {
    /** The latest report of one (source, probe, destination). */
    record Row(UUID source, UUID probeId, String destKey, long seq, String targetIp, boolean success, String reason,
               double totalMs, Instant executedAt, Instant receivedAt) {
        String key() {
            return key(source, probeId, destKey);
        }

        static String key(UUID source, UUID probeId, String destKey) {
            return source + "/" + probeId + "/" + destKey;
        }
    }

    private static final String FOR_SOURCES = "SELECT target_id, probe_id, dest_key, seq, target_ip, success, reason, total_ms, "
            + "executed_at, received_at FROM probe_latest WHERE target_id = ANY(?::uuid[])";

    /** Latest rows of the given source targets, keyed by {@link Row#key()}. */
    Map<String, Row> forSources(Connection c, Collection<UUID> sources) throws SQLException {
        Map<String, Row> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(FOR_SOURCES)) {
            ps.setArray(1, c.createArrayOf("uuid", sources.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getDouble(8), rs.getTimestamp(9).toInstant(),
                            rs.getTimestamp(10).toInstant());
                    out.put(r.key(), r);
                }
            }
        }
        return out;
    }
}
