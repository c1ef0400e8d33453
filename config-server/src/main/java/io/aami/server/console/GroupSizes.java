package io.aami.server.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The live (not revoked) targets of each group, one grouped query: what {@link Reach} counts from. */
public final class GroupSizes {
    private static final String TARGETS_BY_GROUP = "SELECT group_id, count(*) FROM targets WHERE status <> 'revoked' "
            + "GROUP BY group_id";

    private GroupSizes() {
    }

    /** Live targets per group (the key null for targets in no group). */
    public static Map<UUID, Long> liveTargetsByGroup(Connection c) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TARGETS_BY_GROUP); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return out;
    }
}
