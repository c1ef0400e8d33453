package io.aami.server.metrics;

import io.aami.contract.probes.ProbeReason;
import io.aami.server.results.Staleness;
import io.aami.server.db.Database;
import io.aami.server.targets.Target;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-exports the latest connectivity results, one series set per (agent, probe, destination).
 * <ul>
 *   <li>{@code aami_probe_success{agent_id,hostname,probe,target,target_port,protocol,target_agent_id}} 1/0;
 *   {@code target_agent_id} names the destination agent of a group-to-group probe (empty otherwise), so
 *   two members behind one address stay two series</li>
 *   <li>{@code aami_probe_duration_seconds{...}}: total probe time</li>
 *   <li>{@code aami_probe_failure_reason{...,reason}}: one-hot over the failure reasons (all 0 on success)</li>
 *   <li>{@code aami_probe_stale{...}}: 1 when the latest result was executed more than 2 × interval + timeout ago
 *       ({@link Staleness}) or the agent is not online. Unlike checks, a probe has series only once it has a
 *       result: its destinations (group members) are expanded by the probes feature, not in this query</li>
 *   <li>{@code aami_probe_last_run_timestamp_seconds{...}}</li>
 * </ul>
 */
public final class ProbeFleetCollector implements MultiCollector {
    // One series per (agent, probe name, destination): an overridden probe of the same name never duplicates one.
    private static final String LATEST = "SELECT DISTINCT ON (l.target_id, p.name, l.dest_key, l.target_port, l.protocol) "
            + "l.target_id, t.hostname, t.status, p.name, l.target, l.target_port, l.protocol, l.success, l.reason, l.total_ms, "
            + "l.executed_at, l.received_at, p.interval_seconds, p.timeout_ms, "
            + "coalesce(l.destination_target_id::text, '') FROM probe_latest l "
            + "JOIN probes p ON p.id = l.probe_id JOIN targets t ON t.id = l.target_id "
            + "ORDER BY l.target_id, p.name, l.dest_key, l.target_port, l.protocol, l.received_at DESC";

    private final Database db;
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
            try (PreparedStatement ps = c.prepareStatement(LATEST)) {
                ps.setFetchSize(5000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String[] l = {"agent_id", rs.getString(1), "hostname", rs.getString(2), "probe", rs.getString(4),
                            "target", rs.getString(5), "target_port", Integer.toString(rs.getInt(6)), "protocol", rs.getString(7),
                            "target_agent_id", rs.getString(15)};
                        Labels labels = Labels.of(l);
                        String reason = rs.getString(9);
                        success.add(point(rs.getBoolean(8) ? 1 : 0, labels));
                        duration.add(point(rs.getDouble(10) / 1000.0, labels));
                        lastRun.add(point(rs.getTimestamp(11).toInstant().toEpochMilli() / 1000.0, labels));
                        boolean isStale = Staleness.stale(Target.ONLINE.equals(rs.getString(3)), rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant(),
                                rs.getInt(13), Staleness.probeTimeoutSeconds(rs.getInt(14)), now);
                        stale.add(point(isStale ? 1 : 0, labels));
                        for (String f : ProbeReason.FAILURE_WIRE_NAMES) {
                            reasons.add(point(f.equals(reason) ? 1 : 0, labels.add("reason", f)));
                        }
                    }
                }
            }
            return null;
        });
        return MetricSnapshots.of(
                gauge("aami_probe_success", "1 when the latest probe reached its destination, else 0", success),
                gauge("aami_probe_duration_seconds", "Total time of the latest probe", duration),
                gauge("aami_probe_failure_reason", "1 for the reason the latest probe failed (one-hot; all 0 on success)", reasons),
                gauge("aami_probe_stale", "1 when the latest probe result is too old to trust or the agent is not online", stale),
                gauge("aami_probe_last_run_timestamp_seconds", "Unix time of the latest probe", lastRun));
    }

    private static GaugeDataPointSnapshot point(double value, Labels labels) {
        return FleetCollector.point(value, labels);
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        return FleetCollector.gauge(name, help, points);
    }
}
