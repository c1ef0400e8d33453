package io.aami.server.heartbeat;

import io.aami.server.db.UnnestColumns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** The two statements of liveness: a batch of heartbeats, and the periodic offline sweep. */
final class HeartbeatStore {
    /** A target whose status just changed. */
    record Transition(UUID id, String hostname) {
    }

    // One statement for the whole batch (arrays unnested server-side); the self-join reads each
    // row's previous status so targets coming back from offline can be logged.
    private static final String APPLY = "UPDATE targets t SET last_heartbeat_at = to_timestamp(v.at_ms / 1000.0), "
            + "offline_after = to_timestamp(v.deadline_ms / 1000.0), "
            + "status = CASE WHEN t.status = 'revoked' THEN t.status ELSE 'online' END, "
            + "heartbeat_interval_seconds = v.interval_s, agent_version = coalesce(v.agent_version, t.agent_version), "
            + "uptime_seconds = v.uptime, queue_depth = v.queue_depth, policy_version = coalesce(v.policy_version, t.policy_version), "
            + "policy_error = v.policy_error, local_api_host = v.api_host, local_api_port = v.api_port, "
            + "last_heartbeat_ip = v.source_ip, spool_dropped = v.spool_dropped "
            + "FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::bigint[], ?::int[], ?::bigint[], ?::text[], "
            + "?::text[], ?::int[], ?::text[], ?::bigint[]) "
            + "AS v(id, at_ms, deadline_ms, interval_s, agent_version, uptime, queue_depth, policy_version, policy_error, api_host, api_port, "
            + "source_ip, spool_dropped) "
            + "JOIN targets o ON o.id = v.id "
            + "WHERE t.id = v.id AND (t.last_heartbeat_at IS NULL OR t.last_heartbeat_at <= to_timestamp(v.at_ms / 1000.0)) "
            + "RETURNING t.id, t.hostname, o.status AS previous_status";

    /** Applies the batch; returns the targets that were offline until now. */
    List<Transition> apply(Connection c, Collection<Beat> beats) throws SQLException {
        UnnestColumns cols = new UnnestColumns(beats.size(), "uuid", "bigint", "bigint", "int4", "text", "bigint", "int4",
                "bigint", "text", "text", "int4", "text", "bigint");
        for (Beat b : beats) {
            cols.add(b.agentId(), b.at().toEpochMilli(), b.offlineAfter().toEpochMilli(), b.intervalSeconds(), b.agentVersion(),
                    b.uptimeSeconds(), b.queueDepth(), b.policyVersion(), b.policyError(), b.localApiHost(), b.localApiPort(),
                    b.sourceIp(), b.spoolDropped());
        }
        List<Transition> back = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(APPLY)) {
            cols.bind(c, ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if ("offline".equals(rs.getString("previous_status"))) {
                        back.add(new Transition(rs.getObject("id", UUID.class), rs.getString("hostname")));
                    }
                }
            }
        }
        return back;
    }

    // A sequential scan, deliberately: offline_after is not indexed, so that heartbeats, which move it,
    // update rows in place (HOT). About 31 ms for 100,000 targets (V014__make_heartbeat_updates_hot.sql).
    private static final String SWEEP = "UPDATE targets SET status = 'offline' "
            + "WHERE status = 'online' AND offline_after < ? RETURNING id, hostname";

    List<Transition> markOffline(Connection c, Instant now) throws SQLException {
        List<Transition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SWEEP)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Transition(rs.getObject("id", UUID.class), rs.getString("hostname")));
                }
            }
        }
        return out;
    }
}
