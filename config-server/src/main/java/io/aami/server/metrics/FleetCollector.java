package io.aami.server.metrics;

import io.aami.server.db.Database;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

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
 */
public final class FleetCollector implements MultiCollector {
    private final Database db;
    private final FleetStore store = new FleetStore();
    private final Clock clock;

    public FleetCollector(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<FleetStore.AgentRow> agents = new ArrayList<>();
        // One row per (agent, check name) already: the store resolves overrides as the policy bundle does.
        List<FleetStore.CheckRow> checks = new ArrayList<>();
        db.withConnection(c -> {
            store.agents(c, agents::add);
            store.checks(c, clock.instant(), checks::add);
            return null;
        });
        List<MetricSnapshot> out = new ArrayList<>(agentSeries(agents));
        out.addAll(checkSeries(checks));
        return new MetricSnapshots(out);
    }

    private static List<MetricSnapshot> agentSeries(List<FleetStore.AgentRow> agents) {
        List<GaugeDataPointSnapshot> up = new ArrayList<>();
        List<GaugeDataPointSnapshot> heartbeat = new ArrayList<>();
        List<GaugeDataPointSnapshot> certificate = new ArrayList<>();
        List<GaugeDataPointSnapshot> refused = new ArrayList<>();
        for (FleetStore.AgentRow a : agents) {
            Labels l = Labels.of("agent_id", a.agentId(), "group", a.group(), "hostname", a.hostname());
            if (a.lastHeartbeat() >= 0) {
                heartbeat.add(point(a.lastHeartbeat(), l));
            }
            if (!a.revoked() && a.enrolled()) {
                up.add(point(a.online() ? 1 : 0, l));
                refused.add(point(a.policyRefused() ? 1 : 0, l));
                if (a.certificateExpiry() >= 0) {
                    certificate.add(point(a.certificateExpiry(), l));
                }
            }
        }
        return List.of(
                gauge("aami_agent_up", "1 when the agent is online (heartbeating), else 0", up),
                gauge("aami_agent_last_heartbeat_timestamp_seconds", "Unix time of the agent's last heartbeat", heartbeat),
                gauge("aami_agent_certificate_expiry_timestamp_seconds", "Unix time the agent's current client certificate expires",
                        certificate),
                gauge("aami_agent_policy_refused", "1 while the agent's last heartbeat reported refusing the policy bundle it was offered",
                        refused));
    }

    private static List<MetricSnapshot> checkSeries(List<FleetStore.CheckRow> checks) {
        int n = checks.size();
        List<GaugeDataPointSnapshot> status = new ArrayList<>(n);
        List<GaugeDataPointSnapshot> stale = new ArrayList<>(n);
        List<GaugeDataPointSnapshot> duration = new ArrayList<>(n);
        List<GaugeDataPointSnapshot> lastRun = new ArrayList<>(n);
        for (FleetStore.CheckRow r : checks) {
            Labels l = Labels.of("agent_id", r.agentId(), "check", r.check(), "group", r.group(), "hostname", r.hostname());
            stale.add(point(r.stale() ? 1 : 0, l));
            if (r.reported()) {
                status.add(point(r.status(), l));
                duration.add(point(r.durationSeconds(), l));
                lastRun.add(point(r.executedAt(), l));
            }
        }
        return List.of(
                gauge("aami_check_status", "Latest check status: 0 ok, 1 warning, 2 critical, 3 unknown", status),
                gauge("aami_check_stale", "1 when the assigned check has no result yet, its latest was executed too long ago, or the agent is not online", stale),
                gauge("aami_check_duration_seconds", "Run time of the latest check execution", duration),
                gauge("aami_check_last_run_timestamp_seconds", "Unix time the latest check execution started", lastRun));
    }

    static GaugeDataPointSnapshot point(double value, Labels labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        return new GaugeSnapshot(new MetricMetadata(name, help), points);
    }
}
