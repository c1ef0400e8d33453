package io.aami.server.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.discovery.DiscoveryLimits;
import io.aami.contract.discovery.DiscoveryReport;
import io.aami.contract.discovery.DiscoveryReportBatch;
import io.aami.contract.results.ResultAck;
import io.aami.server.error.ApiException;
import io.aami.server.results.ResultBatches;
import io.aami.server.results.StreamIngest;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.UUID;

/**
 * Validates discovery report batches ({@code POST /api/v1/agents/{id}/discovery}) and stores them exactly once
 * by seq through the shared {@link StreamIngest} (stream {@value #STREAM}, no history table: only the latest
 * snapshot is kept, by {@link SnapshotStore}). The whole batch is checked before anything is written.
 *
 * <p>Metrics: {@code aami_discovery_diffs_skipped_total}, diffs not applied because the snapshot was not at their
 * base (a report lost or refused before them; the host's next full report heals it).
 */
final class DiscoveryIngest {
    static final String STREAM = "discovery";

    private final StreamIngest ingest;
    private final SnapshotStore store;
    private final Counter skipped;

    DiscoveryIngest(StreamIngest ingest, ObjectMapper mapper, PrometheusRegistry registry) {
        this.ingest = ingest;
        this.store = new SnapshotStore(mapper);
        this.skipped = Counter.builder().name("aami_discovery_diffs_skipped_total")
                .help("Discovery diffs not applied because the host's snapshot was not at their base report").register(registry);
    }

    ResultAck ingest(UUID target, DiscoveryReportBatch batch) {
        UUID epoch;
        try {
            List<DiscoveryReport> reports = ResultBatches.requireOrdered(batch.results(), DiscoveryLimits.MAX_BATCH,
                    DiscoveryReport::seq);
            for (int i = 0; i < reports.size(); i++) {
                ReportValidator.validate(i, reports.get(i));
            }
            epoch = ResultBatches.requireEpoch(batch.streamEpoch());
        } catch (ApiException e) {
            ingest.rejected(STREAM);
            throw e;
        }
        return ingest.ingest(target, STREAM, epoch, null, batch.results(), DiscoveryReport::seq,
                (c, t, e, receivedAt, fresh) -> {
                    for (DiscoveryReport r : fresh) {
                        if (!store.apply(c, t, r, receivedAt)) {
                            skipped.inc();
                        }
                    }
                    return fresh.size();
                });
    }
}
