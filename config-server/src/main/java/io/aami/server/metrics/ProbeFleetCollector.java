package io.aami.server.metrics;

import io.aami.contract.probes.ProbeReason;
import io.aami.server.results.Staleness;
import io.aami.server.db.Database;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-exports the latest connectivity results, one series set per (agent, probe, destination) the agent should probe.
 * <ul>
 *   <li>{@code aami_probe_success{agent_id,hostname,probe,target,target_port,protocol,target_agent_id}} 1/0;
 *   {@code target_agent_id} names the destination agent of a group-to-group probe (empty otherwise), so
 *   two members behind one address stay two series</li>
 *   <li>{@code aami_probe_duration_seconds{...}}: total probe time</li>
 *   <li>{@code aami_probe_failure_reason{...,reason}}: one-hot over the failure reasons (all 0 on success)</li>
 *   <li>{@code aami_probe_stale{...}}: for every destination each target should probe ({@link ProbeFleetStore}), from
 *       the moment it is assigned: 1 until its first result, when the agent is not online, or when the latest result
 *       was executed more than 2 × interval + timeout ago ({@link Staleness})</li>
 *   <li>{@code aami_probe_last_run_timestamp_seconds{...}}</li>
 * </ul>
 * All but {@code aami_probe_stale} only once the destination has a result (no invented values).
 */
public final class ProbeFleetCollector implements MultiCollector {
    private final Database db;
    private final ProbeFleetStore store = new ProbeFleetStore();
    private final Clock clock;

    public ProbeFleetCollector(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        Instant now = clock.instant();
        List<GaugeDataPointSnapshot> success = new ArrayList<>();
        List<GaugeDataPointSnapshot> duration = new ArrayList<>();
        List<GaugeDataPointSnapshot> reasons = new ArrayList<>();
        List<GaugeDataPointSnapshot> stale = new ArrayList<>();
        List<GaugeDataPointSnapshot> lastRun = new ArrayList<>();
        db.withConnection(c -> {
            store.probes(c, r -> {
                Labels labels = Labels.of("agent_id", r.agentId(), "hostname", r.hostname(), "probe", r.probe(), "target", r.target(),
                        "target_port", Integer.toString(r.targetPort()), "protocol", r.protocol(), "target_agent_id", r.targetAgentId());
                boolean isStale = !r.reported() || Staleness.stale(r.online(), r.executedAt(), r.receivedAt(), r.intervalSeconds(),
                        Staleness.probeTimeoutSeconds(r.timeoutMs()), now);
                stale.add(point(isStale ? 1 : 0, labels));
                if (!r.reported()) {
                    return;
                }
                success.add(point(r.success() ? 1 : 0, labels));
                duration.add(point(r.totalMs() / 1000.0, labels));
                lastRun.add(point(r.executedAt().toEpochMilli() / 1000.0, labels));
                for (String f : ProbeReason.FAILURE_WIRE_NAMES) {
                    reasons.add(point(f.equals(r.reason()) ? 1 : 0, labels.add("reason", f)));
                }
            });
            return null;
        });
        return MetricSnapshots.of(
                gauge("aami_probe_success", "1 when the latest probe reached its destination, else 0", success),
                gauge("aami_probe_duration_seconds", "Total time of the latest probe", duration),
                gauge("aami_probe_failure_reason", "1 for the reason the latest probe failed (one-hot; all 0 on success)", reasons),
                gauge("aami_probe_stale", "1 when the assigned probe destination has no result yet, its latest is too old to trust, "
                        + "or the agent is not online", stale),
                gauge("aami_probe_last_run_timestamp_seconds", "Unix time of the latest probe", lastRun));
    }

    private static GaugeDataPointSnapshot point(double value, Labels labels) {
        return FleetCollector.point(value, labels);
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        return FleetCollector.gauge(name, help, points);
    }
}
