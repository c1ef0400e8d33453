package io.aami.agent.spool;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The result spools' metrics, labelled by {@code stream}. Create one instance per registry and share
 * it: both spools (checks, probes) take their {@link StreamMetrics} from it, so nothing is registered
 * twice.
 * <ul>
 *   <li>{@code aami_agent_spool_bytes{stream}} segment bytes on disk (read at scrape time)</li>
 *   <li>{@code aami_agent_spool_records{stream}} records appended and not yet acknowledged (at scrape time)</li>
 *   <li>{@code aami_agent_spool_submitted_bytes{stream}} bytes on disk of records local programs submitted
 *       (through {@link ResultSpool#appendSubmitted}) since the spool was opened (at scrape time)</li>
 *   <li>{@code aami_agent_spool_appended_total{stream}} records appended</li>
 *   <li>{@code aami_agent_spool_dropped_records_total{stream}} pending records dropped because the spool was full, and results dropped because the disk refused their write (full or failing)</li>
 *   <li>{@code aami_agent_spool_corrupt_records_total{stream}} damaged regions skipped (bad CRC or length, torn tail)</li>
 *   <li>{@code aami_agent_spool_epochs_started_total{stream}} stream epochs started: a new spool, a spool whose
 *       numbering could not be proven continuous, or the server holding numbers the spool never produced</li>
 * </ul>
 */
public final class SpoolMetrics {
    private final Counter appended;
    private final Counter dropped;
    private final Counter corrupt;
    private final Counter epochs;
    private final Map<String, Supplier<SpoolStats>> open = new ConcurrentHashMap<>();

    public SpoolMetrics(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        appended = Counter.builder().name("aami_agent_spool_appended_total")
                .help("Records appended to the result spool").labelNames("stream").register(registry);
        dropped = Counter.builder().name("aami_agent_spool_dropped_records_total")
                .help("Unacknowledged records dropped because the spool or its disk was full").labelNames("stream").register(registry);
        corrupt = Counter.builder().name("aami_agent_spool_corrupt_records_total")
                .help("Damaged spool regions skipped: bad CRC, bad length or torn tail").labelNames("stream").register(registry);
        epochs = Counter.builder().name("aami_agent_spool_epochs_started_total")
                .help("Result stream epochs started (the seq numbering started over or could not be proven continuous)")
                .labelNames("stream").register(registry);
        GaugeWithCallback.builder().name("aami_agent_spool_bytes")
                .help("Result spool segment bytes on disk").labelNames("stream")
                .callback(cb -> open.forEach((stream, stats) -> cb.call(stats.get().bytes(), stream)))
                .register(registry);
        GaugeWithCallback.builder().name("aami_agent_spool_submitted_bytes")
                .help("Result spool bytes of records local programs submitted, since the agent started").labelNames("stream")
                .callback(cb -> open.forEach((stream, stats) -> cb.call(stats.get().submittedBytes(), stream)))
                .register(registry);
        GaugeWithCallback.builder().name("aami_agent_spool_records")
                .help("Result spool records not yet acknowledged").labelNames("stream")
                .callback(cb -> open.forEach((stream, stats) -> cb.call(stats.get().pendingRecords(), stream)))
                .register(registry);
    }

    /** The handle a spool for {@code stream} (checks, probes) reports through. */
    public StreamMetrics forStream(String stream) {
        if (stream == null || !stream.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("stream must be a lower-case name like checks or probes, got '" + stream + "'");
        }
        return new StreamMetrics(stream, appended.labelValues(stream), dropped.labelValues(stream),
                corrupt.labelValues(stream), epochs.labelValues(stream), this);
    }

    /** The gauges read {@code stats} while the spool is open; a stream has one open spool at a time. */
    void bind(String stream, Supplier<SpoolStats> stats) {
        if (open.putIfAbsent(stream, stats) != null) {
            throw new IllegalStateException("a spool for stream '" + stream + "' is already open");
        }
    }

    void unbind(String stream, Supplier<SpoolStats> stats) {
        open.remove(stream, stats);
    }
}
