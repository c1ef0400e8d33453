package io.aami.server.sd;

import io.aami.server.db.Jsonb;
import io.aami.server.targets.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The one query behind the discovery: every enrolled, unrevoked target whose heartbeat reported a local API. */
final class SdStore {
    /**
     * A target's local API as its last heartbeat reported it, the address that heartbeat came from, and what
     * the discovery labels it with.
     */
    record AgentApi(UUID id, String hostname, String reportedHostname, String sourceIp, String apiHost, int apiPort,
                    UUID groupId, String groupName, Map<String, String> labels) {
    }

    // Online and offline only: pending targets never heartbeated, revoked ones are refused; deleted ones are gone.
    // Offline agents stay listed so that Prometheus sees their scrape fail (up == 0).
    private static final String LISTED = "SELECT t.id, t.hostname, t.reported_hostname, t.last_heartbeat_ip, t.local_api_host, "
            + "t.local_api_port, t.group_id, g.name AS group_name, t.labels FROM targets t LEFT JOIN groups g ON g.id = t.group_id "
            + "WHERE t.local_api_host IS NOT NULL AND t.local_api_port IS NOT NULL AND t.status IN (?, ?) ORDER BY t.id";

    List<AgentApi> listed(Connection c) throws SQLException {
        List<AgentApi> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LISTED)) {
            ps.setString(1, Target.ONLINE);
            ps.setString(2, Target.OFFLINE);
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AgentApi(rs.getObject("id", UUID.class), rs.getString("hostname"), rs.getString("reported_hostname"),
                            rs.getString("last_heartbeat_ip"), rs.getString("local_api_host"), rs.getInt("local_api_port"),
                            rs.getObject("group_id", UUID.class), rs.getString("group_name"), Jsonb.map(rs, "labels")));
                }
            }
        }
        return out;
    }
}
