package io.aami.server.results;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The result streams' metrics, each by {@code stream} (checks, probes):
 * <ul>
 *   <li>{@code aami_results_ingested_total{stream}}: results stored</li>
 *   <li>{@code aami_results_duplicates_total{stream}}: results received again and not stored twice</li>
 *   <li>{@code aami_results_rejected_batches_total{stream}}: malformed batches refused with 400 (what
 *       {@code ServerIngestErrors} alerts on)</li>
 *   <li>{@code aami_results_unknown_check_total{stream}}: results filed under a check not assigned to their
 *       agent, dropped from a sequenced batch or refusing a batch without seq with 404; normally a policy
 *       change racing the agent's spool or a script, so apart from the rejections and alerted on by none</li>
 *   <li>{@code aami_results_seq_gap_total{stream}}: sequence numbers that never arrived</li>
 *   <li>{@code aami_results_stream_resets_total{stream}}: batches that started a new stream epoch in place
 *       of another (an agent's numbering started over: spool deleted, lost, corrupt or restored)</li>
 * </ul>
 * Each exists at 0 for every stream from start-up, so an alert on its increase sees the first event.
 */
public final class ResultMetrics {
    final Counter ingested;
    final Counter duplicates;
    final Counter rejectedBatches;
    final Counter unassigned;
    final Counter seqGaps;
    final Counter streamResets;

    /** @param streams the streams results arrive on (as {@code result_cursors.stream} allows them) */
    public ResultMetrics(PrometheusRegistry registry, List<String> streams) {
        ingested = Counter.builder().name("aami_results_ingested_total").help("Results stored, by stream")
                .labelNames("stream").register(registry);
        duplicates = Counter.builder().name("aami_results_duplicates_total")
                .help("Results received again and acknowledged without storing them twice").labelNames("stream").register(registry);
        rejectedBatches = Counter.builder().name("aami_results_rejected_batches_total")
                .help("Result batches refused as malformed").labelNames("stream").register(registry);
        unassigned = Counter.builder().name("aami_results_unknown_check_total")
                .help("Results filed under a check not assigned to their agent: dropped (sequenced) or refused with 404")
                .labelNames("stream").register(registry);
        seqGaps = Counter.builder().name("aami_results_seq_gap_total")
                .help("Result sequence numbers that never arrived (dropped or corrupt on the agent)").labelNames("stream")
                .register(registry);
        streamResets = Counter.builder().name("aami_results_stream_resets_total")
                .help("Result streams that started a new epoch in place of another (the agent's numbering started over)")
                .labelNames("stream").register(registry);
        for (String stream : streams) {
            for (Counter c : List.of(ingested, duplicates, rejectedBatches, unassigned, seqGaps, streamResets)) {
                c.initLabelValues(stream);
            }
        }
    }
}
