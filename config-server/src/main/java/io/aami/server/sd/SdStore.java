package io.aami.server.sd;

import io.aami.server.db.Jsonb;
import io.aami.server.targets.Target;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one query behind the discovery: every enrolled, unrevoked target whose recent heartbeat reported a local API,
 * with how many such targets heartbeat from the same source address.
 */
final class SdStore {
    /**
     * A target's local API as its last heartbeat reported it, the address that heartbeat came from, how many
     * recently heartbeating targets share that address ({@code sharingSource}), and what the discovery labels it with.
     */
    record AgentApi(UUID id, String hostname, String reportedHostname, String sourceIp, int sharingSource, String apiHost,
                    int apiPort, UUID groupId, String groupName, Map<String, String> labels) {
    }

    // Online and offline only: pending targets never heartbeated, revoked ones are refused; deleted ones are gone.
    // Offline agents stay listed a while so that Prometheus sees their scrape fail (up == 0), but not past the
    // cutoff: their source address may by then be another host's (DHCP), which would be sent the scrape token.
    // The sharing count covers every recent target, API or none: any of them makes the source ambiguous.
    private static final String LISTED = "WITH recent AS (SELECT t.*, count(*) OVER (PARTITION BY t.last_heartbeat_ip) AS sharing "
            + "FROM targets t WHERE t.status IN (?, ?) AND t.last_heartbeat_at >= ?) "
            + "SELECT t.id, t.hostname, t.reported_hostname, t.last_heartbeat_ip, t.sharing, t.local_api_host, "
            + "t.local_api_port, t.group_id, g.name AS group_name, t.labels FROM recent t LEFT JOIN groups g ON g.id = t.group_id "
            + "WHERE t.local_api_host IS NOT NULL AND t.local_api_port IS NOT NULL ORDER BY t.id";

    /** @param heardSince targets whose last heartbeat is older are not listed */
    List<AgentApi> listed(Connection c, Instant heardSince) throws SQLException {
        List<AgentApi> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LISTED)) {
            ps.setString(1, Target.ONLINE);
            ps.setString(2, Target.OFFLINE);
            ps.setTimestamp(3, Timestamp.from(heardSince));
            ps.setFetchSize(5000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AgentApi(rs.getObject("id", UUID.class), rs.getString("hostname"), rs.getString("reported_hostname"),
                            rs.getString("last_heartbeat_ip"), rs.getInt("sharing"), rs.getString("local_api_host"),
                            rs.getInt("local_api_port"), rs.getObject("group_id", UUID.class), rs.getString("group_name"),
                            Jsonb.map(rs, "labels")));
                }
            }
        }
        return out;
    }
}
