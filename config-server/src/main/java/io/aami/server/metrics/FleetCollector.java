package io.aami.server.metrics;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Re-exports the fleet's state, read from the latest-state tables at scrape time (never history).
 * Label values are server-side names (agent id, the enrolled hostname, group and check names),
 * never agent output, so cardinality stays bounded by the inventory.
 * <ul>
 *   <li>{@code aami_agent_up{agent_id,hostname,group}} 1 online, 0 offline; only for enrolled targets that are not revoked
 *       (a pre-registered host that has not booted yet, or a retired one, is not "down")</li>
 *   <li>{@code aami_agent_last_heartbeat_timestamp_seconds{agent_id,hostname,group}}</li>
 *   <li>{@code aami_agent_certificate_expiry_timestamp_seconds{agent_id,hostname,group}}: the notAfter of the agent's
 *       current client certificate (not for revoked targets, nor for agents without one: TLS off)</li>
 *   <li>{@code aami_agent_policy_refused{agent_id,hostname,group}} 1 while the agent's last heartbeat said it refused
 *       the bundle it was offered ({@code policy_error}), else 0 (revoked targets excepted)</li>
 *   <li>{@code aami_check_stale{agent_id,hostname,group,check}} for every check the target should run (its
 *       policy bundle's, revoked targets excepted), from the moment it is assigned: 1 until its first result,
 *       when the agent is not online, or when the latest result was executed more than 2 × interval + timeout
 *       ago ({@link io.aami.server.results.Staleness})</li>
 *   <li>{@code aami_check_status{...}} 0 ok, 1 warning, 2 critical, 3 unknown; {@code aami_check_duration_seconds{...}}
 *       and {@code aami_check_last_run_timestamp_seconds{...}}: once the check has a result (no invented values)</li>
 * </ul>
 * Written straight from the rows ({@link FleetText}): a target's labels are encoded once, with a gap for the check's
 * name, and each check row fills the gap; no object per series. The agents' series are read whole every rendering
 * (one row per target); each target's check lines are kept and made again only when they may have changed
 * ({@link CheckBlocks}), so this collector keeps state and belongs to one {@link FleetExposition}.
 */
final class FleetCollector implements FleetSource {
    private final FleetStore store = new FleetStore();
    private final CheckBlocks checks = new CheckBlocks(store);

    @Override
    public void render(Connection c, Instant now, FleetText out) throws SQLException {
        Map<String, CheckBlocks.Labels> targets = new HashMap<>();
        agents(c, out, targets);
        checks.render(c, now, targets, new CheckBlocks.Families(
                out.family("aami_check_status", "Latest check status: 0 ok, 1 warning, 2 critical, 3 unknown"),
                out.family("aami_check_stale",
                        "1 when the assigned check has no result yet, its latest was executed too long ago, or the agent is not online"),
                out.family("aami_check_duration_seconds", "Run time of the latest check execution"),
                out.family("aami_check_last_run_timestamp_seconds", "Unix time the latest check execution started")));
    }

    /** Targets whose check lines the last rendering made anew rather than kept ({@link CheckBlocks}). */
    int targetsRendered() {
        return checks.lastRendered();
    }

    /** Checks whose lines the last rendering made anew ({@link CheckBlocks}). */
    int checksRendered() {
        return checks.lastChecksRendered();
    }

    private void agents(Connection c, FleetText out, Map<String, CheckBlocks.Labels> targets) throws SQLException {
        FleetText.Family up = out.family("aami_agent_up", "1 when the agent is online (heartbeating), else 0");
        FleetText.Family heartbeat = out.family("aami_agent_last_heartbeat_timestamp_seconds", "Unix time of the agent's last heartbeat");
        FleetText.Family certificate = out.family("aami_agent_certificate_expiry_timestamp_seconds",
                "Unix time the agent's current client certificate expires");
        FleetText.Family refused = out.family("aami_agent_policy_refused",
                "1 while the agent's last heartbeat reported refusing the policy bundle it was offered");
        store.agents(c, a -> {
            String id = ExpositionBuffer.label("agent_id", a.agentId());
            String rest = ExpositionBuffer.label("group", a.group()) + "," + ExpositionBuffer.label("hostname", a.hostname()) + "} ";
            String head = id + ",check=\"";
            String tail = "\"," + rest;
            targets.put(a.agentId(), new CheckBlocks.Labels(head.getBytes(StandardCharsets.UTF_8), tail.getBytes(StandardCharsets.UTF_8),
                    head + tail));
            byte[] l = (id + "," + rest).getBytes(StandardCharsets.UTF_8);
            if (a.lastHeartbeat() >= 0) {
                heartbeat.sample(l, a.lastHeartbeat());
            }
            if (!a.revoked() && a.enrolled()) {
                up.sample(l, a.online() ? 1 : 0);
                refused.sample(l, a.policyRefused() ? 1 : 0);
                if (a.certificateExpiry() >= 0) {
                    certificate.sample(l, a.certificateExpiry());
                }
            }
        });
    }
}
