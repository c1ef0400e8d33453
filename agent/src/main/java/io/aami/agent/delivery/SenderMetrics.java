package io.aami.agent.delivery;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Delivery of spooled results, per stream (checks, probes).
 * <ul>
 *   <li>{@code aami_agent_results_sent_total{stream}}: results the server acknowledged</li>
 *   <li>{@code aami_agent_send_failures_total{stream}}: batches that failed (to be retried)</li>
 *   <li>{@code aami_agent_results_rejected_total{stream}}: results the server refused as malformed (dropped)</li>
 *   <li>{@code aami_agent_last_successful_send_timestamp_seconds{stream}}</li>
 * </ul>
 * The counters exist at 0 for a stream from the moment its sender is built ({@link #initStream}), so a
 * rate or an increase() alert sees the first failure as a change rather than a new series.
 */
public final class SenderMetrics {
    final Counter sent;
    final Counter failures;
    final Counter rejected;
    final Gauge lastSuccess;

    public SenderMetrics(PrometheusRegistry registry) {
        sent = Counter.builder().name("aami_agent_results_sent_total").help("Results acknowledged by the server")
                .labelNames("stream").register(registry);
        failures = Counter.builder().name("aami_agent_send_failures_total").help("Result batches that failed and will be retried")
                .labelNames("stream").register(registry);
        rejected = Counter.builder().name("aami_agent_results_rejected_total")
                .help("Results the server refused as malformed; they are dropped").labelNames("stream").register(registry);
        lastSuccess = Gauge.builder().name("aami_agent_last_successful_send_timestamp_seconds")
                .help("Unix time of the last acknowledged batch").labelNames("stream").register(registry);
    }

    /** Makes {@code stream}'s counters exist at 0 (the timestamp waits for a real send: 0 would claim one in 1970). */
    void initStream(String stream) {
        sent.initLabelValues(stream);
        failures.initLabelValues(stream);
        rejected.initLabelValues(stream);
    }
}
