package io.aami.server.metrics;

import io.aami.server.db.Database;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The config-server's own metrics (the fleet's state is rendered by {@link FleetCollector}; {@code aami_db_up}, whether
 * that rendering could read PostgreSQL, by {@link FleetExposition}).
 * Those owned by this class:
 * <ul>
 *   <li>{@code aami_db_pool_connections{state}} and {@code aami_db_pool_max_connections}: HikariCP</li>
 *   <li>{@code aami_fleet_render_timestamp_seconds} and {@code aami_fleet_render_seconds}: the fleet rendering, and
 *       {@code aami_fleet_renders_total}: how many were made ({@link FleetExposition})</li>
 *   <li>{@code aami_server_build_info{version}} 1 (the jar's version, {@code dev} when run from classes),
 *       as the agent's {@code aami_agent_build_info}</li>
 *   <li>JVM metrics from client_java's instrumentation ({@code jvm_*}, {@code process_*})</li>
 * </ul>
 * The other features register theirs on the same registry, each listed where it is counted:
 * {@code aami_results_*} ({@code results.ResultMetrics}), {@code aami_heartbeats_total}
 * ({@code heartbeat.HeartbeatService}), {@code aami_http_request_duration_seconds} and {@code aami_http_long_poll_duration_seconds} ({@code http.ApiServer}).
 */
public final class ServerMetrics {
    private final PrometheusRegistry registry;

    public ServerMetrics(PrometheusRegistry registry, Database db) {
        this.registry = registry;
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
        Info.builder().name("aami_server_build_info").help("Config-server version").labelNames("version")
                .register(registry).addLabelValues(version());
        JvmMetrics.builder().register(registry);
    }

    static String version() {
        String v = ServerMetrics.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The age and cost of the fleet rendering, read at scrape time. */
    public void observe(FleetExposition fleet) {
        GaugeWithCallback.builder().name("aami_fleet_render_timestamp_seconds")
                .help("When the exported fleet state (agents, checks, probes) was read")
                .callback(cb -> cb.call(fleet.lastRendering().at().toEpochMilli() / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("aami_fleet_render_seconds").help("How long reading and rendering the fleet state took")
                .callback(cb -> cb.call(fleet.lastRendering().seconds())).register(registry);
        CounterWithCallback.builder().name("aami_fleet_renders_total")
                .help("Fleet renderings made: at most one per scrape, none while nobody scrapes")
                .callback(cb -> cb.call(fleet.renders())).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
