package io.aami.agent.probes;

import io.aami.contract.probes.ProbeResult;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest result per task id, rendered at scrape time as
 * {@code nodepolicy_connectivity_status} and {@code nodepolicy_connectivity_latency_seconds}, and for HTTPS results
 * that saw a certificate {@code aami_probe_tls_cert_expiry_timestamp_seconds} (the leaf's not_after, Unix seconds;
 * also when the handshake refused it, so an expired certificate shows its date), and for ICMP results
 * {@code aami_probe_icmp_loss_ratio} (0..1, echoes unanswered) and {@code aami_probe_icmp_rtt_seconds} (the mean round
 * trip, only when a reply came).
 * A bounded LRU map rather than labelled gauges, because a gauge child per task id would grow
 * without bound and never let a series go; recording a task id makes it the most recent, and the
 * least recent is dropped beyond {@code maxTaskIds}.
 */
final class ConnectivityCollector implements MultiCollector {
    static final String STATUS = "nodepolicy_connectivity_status";
    static final String LATENCY = "nodepolicy_connectivity_latency_seconds";
    static final String CERT_EXPIRY = "aami_probe_tls_cert_expiry_timestamp_seconds";
    static final String ICMP_RTT = "aami_probe_icmp_rtt_seconds";
    static final String ICMP_LOSS = "aami_probe_icmp_loss_ratio";

    /**
     * A task's latest result as recorded. Its labels are made at scrape time, not here: a /run_tasks call
     * records up to 10,000 results, and building (validating, sorting) the label set of each took a fifth of
     * the API's CPU per probe, for series that are scraped every few seconds at most.
     */
    private record Latest(String taskId, ProbeResult result) {
        Labels labels() {
            return Labels.of("task_id", taskId, "source_ip", orEmpty(result.sourceIp()), "target_ip", orEmpty(result.targetIp()),
                    "target_port", Integer.toString(result.targetPort()), "protocol", orEmpty(result.protocol()));
        }
    }

    private final Map<String, Latest> latest;

    ConnectivityCollector(int maxTaskIds) {
        if (maxTaskIds < 1) {
            throw new IllegalArgumentException("maxTaskIds must be at least 1, got " + maxTaskIds);
        }
        this.latest = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Latest> eldest) {
                return size() > maxTaskIds;
            }
        };
    }

    void record(String taskId, ProbeResult r) {
        Latest entry = new Latest(taskId, r);
        synchronized (latest) {
            latest.put(taskId, entry);
        }
    }

    int size() {
        synchronized (latest) {
            return latest.size();
        }
    }

    @Override
    public MetricSnapshots collect() {
        List<Latest> copy;
        synchronized (latest) {
            copy = new ArrayList<>(latest.values());
        }
        GaugeSnapshot.Builder status = GaugeSnapshot.builder().name(STATUS)
                .help("1 if the latest probe of the task succeeded, else 0");
        GaugeSnapshot.Builder latency = GaugeSnapshot.builder().name(LATENCY).unit(Unit.SECONDS)
                .help("Total time of the latest probe of the task");
        GaugeSnapshot.Builder expiry = GaugeSnapshot.builder().name(CERT_EXPIRY)
                .help("Unix time the server certificate seen by the task's latest HTTPS probe expires");
        GaugeSnapshot.Builder rtt = GaugeSnapshot.builder().name(ICMP_RTT).unit(Unit.SECONDS)
                .help("Mean round trip of the echo replies of the task's latest ICMP probe");
        GaugeSnapshot.Builder loss = GaugeSnapshot.builder().name(ICMP_LOSS)
                .help("Share of the echo requests of the task's latest ICMP probe that got no reply (0..1)");
        boolean anyExpiry = false;
        boolean anyIcmp = false;
        for (Latest l : copy) {
            Labels labels = l.labels();
            status.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(l.result().success() ? 1 : 0).build());
            latency.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(l.result().totalMs() / 1_000.0).build());
            if (l.result().certNotAfter() != null) {
                anyExpiry = true;
                expiry.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
                        .value(l.result().certNotAfter().getEpochSecond()).build());
            }
            if (l.result().lossPercent() != null) {
                anyIcmp = true;
                loss.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(l.result().lossPercent() / 100.0).build());
                if (l.result().rttMs() != null) {
                    rtt.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(l.result().rttMs() / 1_000.0).build());
                }
            }
        }
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> out = new ArrayList<>(List.of(status.build(), latency.build()));
        if (anyExpiry) {
            out.add(expiry.build());
        }
        if (anyIcmp) {
            out.add(loss.build());
            out.add(rtt.build());
        }
        return new MetricSnapshots(out);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(STATUS, LATENCY, CERT_EXPIRY, ICMP_RTT, ICMP_LOSS);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
