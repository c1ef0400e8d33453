package io.aami.server.metrics;

import io.aami.server.db.Database;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The config-server's own metrics (the fleet's state is rendered by {@link FleetCollector}).
 * <ul>
 *   <li>{@code aami_results_ingested_total{stream}}: results stored (checks, probes)</li>
 *   <li>{@code aami_results_duplicates_total{stream}}: results received again and not stored twice</li>
 *   <li>{@code aami_results_rejected_batches_total{stream}}: malformed batches refused with 400</li>
 *   <li>{@code aami_results_seq_gap_total{stream}}: sequence numbers that never arrived</li>
 *   <li>{@code aami_results_stream_resets_total{stream}}: batches that started a new stream epoch in place
 *       of another (an agent's numbering started over: spool deleted, lost, corrupt or restored)</li>
 *   <li>{@code aami_heartbeats_total}: heartbeats accepted</li>
 *   <li>{@code aami_http_request_duration_seconds{method,route,status}}: by route template, not raw path</li>
 *   <li>{@code aami_db_pool_connections{state}} and {@code aami_db_pool_max_connections}: HikariCP</li>
 *   <li>JVM metrics from client_java's instrumentation ({@code jvm_*}, {@code process_*})</li>
 * </ul>
 */
public final class ServerMetrics {
    private final PrometheusRegistry registry;

    public final Counter resultsIngested;
    public final Counter resultsDuplicates;
    public final Counter rejectedBatches;
    public final Counter seqGaps;
    public final Counter streamResets;
    public final Counter heartbeats;
    public final Histogram httpDuration;

    public ServerMetrics(PrometheusRegistry registry, Database db) {
        this.registry = registry;
        resultsIngested = Counter.builder().name("aami_results_ingested_total").help("Results stored, by stream")
                .labelNames("stream").register(registry);
        resultsDuplicates = Counter.builder().name("aami_results_duplicates_total")
                .help("Results received again and acknowledged without storing them twice").labelNames("stream").register(registry);
        rejectedBatches = Counter.builder().name("aami_results_rejected_batches_total")
                .help("Result batches refused as malformed").labelNames("stream").register(registry);
        seqGaps = Counter.builder().name("aami_results_seq_gap_total")
                .help("Result sequence numbers that never arrived (dropped or corrupt on the agent)").labelNames("stream")
                .register(registry);
        streamResets = Counter.builder().name("aami_results_stream_resets_total")
                .help("Result streams that started a new epoch in place of another (the agent's numbering started over)")
                .labelNames("stream").register(registry);
        heartbeats = Counter.builder().name("aami_heartbeats_total").help("Heartbeats accepted").register(registry);
        httpDuration = Histogram.builder().name("aami_http_request_duration_seconds")
                .help("HTTP request duration by route template").labelNames("method", "route", "status")
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .classicOnly().register(registry);
        GaugeWithCallback.builder().name("aami_db_pool_connections").help("Database pool connections by state")
                .labelNames("state").callback(cb -> {
                    var pool = db.poolStats();
                    if (pool != null) {
                        cb.call(pool.getActiveConnections(), "active");
                        cb.call(pool.getIdleConnections(), "idle");
                        cb.call(pool.getThreadsAwaitingConnection(), "pending");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("aami_db_pool_max_connections").help("Database pool size limit")
                .callback(cb -> cb.call(db.maxPoolSize())).register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** The age and cost of the fleet rendering, read at scrape time. */
    public void observe(FleetExposition fleet) {
        GaugeWithCallback.builder().name("aami_fleet_render_timestamp_seconds")
                .help("When the exported fleet state (agents, checks, probes) was read")
                .callback(cb -> cb.call(fleet.lastRendering().at().toEpochMilli() / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("aami_fleet_render_seconds").help("How long reading and rendering the fleet state took")
                .callback(cb -> cb.call(fleet.lastRendering().seconds())).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
