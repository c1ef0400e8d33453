package io.aami.server.metrics;

import io.aami.server.db.Database;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-exports the fleet's state, read from the latest-state tables at scrape time (never history).
 * Label values are server-side names (agent id, the enrolled hostname, group and check names),
 * never agent output, so cardinality stays bounded by the inventory.
 * <ul>
 *   <li>{@code aami_agent_up{agent_id,hostname,group}} 1 online, 0 otherwise (pending, offline, revoked)</li>
 *   <li>{@code aami_agent_last_heartbeat_timestamp_seconds{agent_id,hostname,group}}</li>
 *   <li>{@code aami_check_status{agent_id,hostname,group,check}} 0 ok, 1 warning, 2 critical, 3 unknown</li>
 *   <li>{@code aami_check_stale{...}} 1 when no result came within 2 × interval + timeout or the agent is not online</li>
 *   <li>{@code aami_check_duration_seconds{...}} and {@code aami_check_last_run_timestamp_seconds{...}}</li>
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
        List<GaugeDataPointSnapshot> up = new ArrayList<>();
        List<GaugeDataPointSnapshot> heartbeat = new ArrayList<>();
        // One series per (agent, check name): when an override replaced a check of the same name, the
        // result received last wins, so the exposition never holds duplicate series.
        Map<String, FleetStore.CheckRow> checks = new HashMap<>();
        db.withConnection(c -> {
            store.agents(c, a -> {
                Labels l = Labels.of("agent_id", a.agentId(), "group", a.group(), "hostname", a.hostname());
                up.add(point(a.online() ? 1 : 0, l));
                if (a.lastHeartbeat() >= 0) {
                    heartbeat.add(point(a.lastHeartbeat(), l));
                }
            });
            store.checks(c, clock.instant(), r -> checks.merge(r.agentId() + '\0' + r.check(), r,
                    (old, neu) -> neu.receivedAt() > old.receivedAt() ? neu : old));
            return null;
        });
        int n = checks.size();
        List<GaugeDataPointSnapshot> status = new ArrayList<>(n);
        List<GaugeDataPointSnapshot> stale = new ArrayList<>(n);
        List<GaugeDataPointSnapshot> duration = new ArrayList<>(n);
        List<GaugeDataPointSnapshot> lastRun = new ArrayList<>(n);
        for (FleetStore.CheckRow r : checks.values()) {
            Labels l = Labels.of("agent_id", r.agentId(), "check", r.check(), "group", r.group(), "hostname", r.hostname());
            status.add(point(r.status(), l));
            stale.add(point(r.stale() ? 1 : 0, l));
            duration.add(point(r.durationSeconds(), l));
            lastRun.add(point(r.executedAt(), l));
        }
        return MetricSnapshots.of(
                gauge("aami_agent_up", "1 when the agent is online (heartbeating), else 0", up),
                gauge("aami_agent_last_heartbeat_timestamp_seconds", "Unix time of the agent's last heartbeat", heartbeat),
                gauge("aami_check_status", "Latest check status: 0 ok, 1 warning, 2 critical, 3 unknown", status),
                gauge("aami_check_stale", "1 when the latest check result is too old to trust or the agent is not online", stale),
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
