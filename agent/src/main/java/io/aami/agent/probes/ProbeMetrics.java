package io.aami.agent.probes;

import io.aami.agent.schedule.SkipListener;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbeReason;
import io.aami.contract.probes.ProbeResult;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Objects;

/**
 * Probe metrics, registered into the registry given to the constructor.
 * <ul>
 *   <li>{@code nodepolicy_connectivity_status{task_id,source_ip,target_ip,target_port,protocol}}
 *       1/0: the latest result of each task id (API results carrying a task_id, scheduled probes
 *       via {@link #recordTaskResult(String, ProbeResult)}); at most {@code maxTaskIds} task ids
 *       are kept, the least recently recorded dropped first (default {@value #DEFAULT_MAX_TASK_IDS})</li>
 *   <li>{@code nodepolicy_connectivity_latency_seconds{same labels}}: total time of that result</li>
 *   <li>{@code aami_probe_tls_cert_expiry_timestamp_seconds{same labels}}: an HTTPS result's certificate not_after</li>
 *   <li>{@code aami_probe_icmp_loss_ratio{same labels}}, {@code aami_probe_icmp_rtt_seconds{same labels}}: an ICMP
 *       result's share of unanswered echoes and mean round trip (the latter only when a reply came)</li>
 *   <li>{@code aami_agent_probes_total{protocol,reason}}: probes finished by the engine (all pairs from start-up)</li>
 *   <li>{@code aami_agent_probes_in_flight}: probes running now</li>
 *   <li>{@code aami_agent_probes_queue_depth}: probes waiting for an in-flight slot</li>
 *   <li>{@code aami_agent_probe_duration_seconds{protocol}}: histogram of probe total time</li>
 *   <li>{@code aami_agent_probes_skipped_total}: scheduled probe slots skipped because the previous
 *       run of the same probe had not finished (as {@code aami_agent_checks_skipped_total} for checks)</li>
 * </ul>
 * protocol is {@code TCP}/{@code UDP}/{@code HTTP}/{@code HTTPS}/{@code ICMP} as on the wire; reason is a result's reason.
 */
public final class ProbeMetrics {
    public static final int DEFAULT_MAX_TASK_IDS = 10_000;

    private final ConnectivityCollector connectivity;
    private final Counter total;
    private final Gauge inFlight;
    private final Gauge queueDepth;
    private final Histogram duration;
    private final Counter skipped;
    /** Data points resolved once, so the loop's hot path does no label lookups. */
    private final CounterDataPoint[][] totals = new CounterDataPoint[ProbeProtocol.values().length][ProbeReason.values().length];
    private final DistributionDataPoint[] durations = new DistributionDataPoint[ProbeProtocol.values().length];

    public ProbeMetrics(PrometheusRegistry registry, int maxTaskIds) {
        Objects.requireNonNull(registry, "registry");
        connectivity = new ConnectivityCollector(maxTaskIds);
        registry.register(connectivity);
        total = Counter.builder().name("aami_agent_probes_total").help("Probes finished by the engine, by protocol and reason")
                .labelNames("protocol", "reason").register(registry);
        inFlight = Gauge.builder().name("aami_agent_probes_in_flight").help("Probes running now").register(registry);
        queueDepth = Gauge.builder().name("aami_agent_probes_queue_depth").help("Probes waiting for an in-flight slot")
                .register(registry);
        duration = Histogram.builder().name("aami_agent_probe_duration_seconds").unit(Unit.SECONDS)
                .help("Total time of finished probes, by protocol").labelNames("protocol").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .withoutExemplars().register(registry);
        skipped = Counter.builder().name("aami_agent_probes_skipped_total")
                .help("Scheduled probe slots skipped because the previous run was still going").register(registry);
        for (ProbeProtocol p : ProbeProtocol.values()) {
            durations[p.ordinal()] = duration.labelValues(p.wire());
            // Only the reasons the protocol can end with: a TCP probe has no http_status series at 0.
            totals[p.ordinal()][ProbeReason.OK.ordinal()] = total.labelValues(p.wire(), ProbeReason.OK.wire());
            for (String r : ProbeReason.failureWireNames(p)) {
                totals[p.ordinal()][ProbeReason.fromWire(r).orElseThrow().ordinal()] = total.labelValues(p.wire(), r);
            }
        }
    }

    /** Records {@code result} as the latest of its task id; results without one are not tracked. */
    public void recordTaskResult(ProbeResult result) {
        if (result.taskId() != null) {
            recordTaskResult(result.taskId(), result);
        }
    }

    /** Records {@code result} as the latest of {@code taskId} (scheduled probes name their own). */
    public void recordTaskResult(String taskId, ProbeResult result) {
        connectivity.record(Objects.requireNonNull(taskId, "taskId"), result);
    }

    /** How many task ids the status series currently cover. */
    int trackedTaskIds() {
        return connectivity.size();
    }

    /** Counts skipped scheduled probe slots; the probe scheduler's skip listener. */
    SkipListener skipListener() {
        return key -> skipped.inc();
    }

    /** Loop thread: one finished probe. */
    void probeFinished(ProbeProtocol protocol, ProbeReason reason, long nanos) {
        CounterDataPoint point = totals[protocol.ordinal()][reason.ordinal()];
        if (point == null) {
            point = total.labelValues(protocol.wire(), reason.wire());
            totals[protocol.ordinal()][reason.ordinal()] = point;
        }
        point.inc();
        durations[protocol.ordinal()].observe(nanos / 1e9);
    }

    /** Loop thread, once per iteration. */
    void loopState(int running, int waiting) {
        inFlight.set(running);
        queueDepth.set(waiting);
    }
}
