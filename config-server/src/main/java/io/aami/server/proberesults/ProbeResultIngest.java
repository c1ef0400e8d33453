package io.aami.server.proberesults;

import io.aami.contract.probes.ProbePorts;
import io.aami.contract.probes.ProbeProtocol;
import io.aami.contract.probes.ProbeReason;
import io.aami.contract.results.ProbeReport;
import io.aami.contract.results.ProbeReportBatch;
import io.aami.contract.results.ResultAck;
import io.aami.server.error.ApiException;
import io.aami.server.results.ResultBatches;
import io.aami.server.results.StreamIngest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Validates probe report batches ({@code POST /api/v1/agents/{id}/probe-results}) and stores them exactly once. */
public final class ProbeResultIngest {
    public static final String STREAM = "probes";
    private final StreamIngest ingest;
    private final ProbeResultStore store;
    private final int maxBatch;

    public ProbeResultIngest(StreamIngest ingest, int maxBatch) {
        this.ingest = ingest;
        this.store = new ProbeResultStore();
        this.maxBatch = maxBatch;
    }

    public ResultAck ingest(UUID target, ProbeReportBatch batch) {
        UUID epoch;
        try {
            validate(batch);
            epoch = ResultBatches.requireEpoch(batch.streamEpoch());
        } catch (ApiException e) {
            ingest.rejected(STREAM);
            throw e;
        }
        return ingest.ingest(target, STREAM, epoch, "probe_results", batch.results(), ProbeReport::seq,
                (c, t, e, receivedAt, fresh) -> {
                    store.copyHistory(c, t, e, receivedAt, fresh);
                    store.upsertLatest(c, t, e, receivedAt, latestPerDestination(fresh, receivedAt));
                    return fresh.size();
                });
    }

    private void validate(ProbeReportBatch batch) {
        List<ProbeReport> in = ResultBatches.requireOrdered(batch.results(), maxBatch, ProbeReport::seq);
        for (int i = 0; i < in.size(); i++) {
            ProbeReport r = in.get(i);
            ResultBatches.require(r.probeId() != null, i, "probe_id", "is required");
            ResultBatches.require(r.target() != null && !r.target().isBlank() && r.target().length() <= 253, i, "target",
                    "is required (at most 253 characters)");
            java.util.Optional<ProbeProtocol> protocol = r.protocol() == null ? java.util.Optional.empty()
                    : java.util.Optional.of(r.protocol()).filter(w -> w.equals(w.trim().toUpperCase(java.util.Locale.ROOT)))
                            .flatMap(ProbeProtocol::parse);
            ResultBatches.require(protocol.isPresent(), i, "protocol", "must be " + ProbeProtocol.names());
            boolean icmp = protocol.get().icmp();
            ResultBatches.require(icmp ? r.targetPort() == 0 : r.targetPort() >= ProbePorts.MIN_TARGET_PORT
                    && r.targetPort() <= ProbePorts.MAX_PORT, i, "target_port", icmp ? "must be 0 for ICMP (no ports)"
                    : "must be " + ProbePorts.MIN_TARGET_PORT + ".." + ProbePorts.MAX_PORT);
            ResultBatches.require(icmp || r.rttMs() == null && r.lossPercent() == null, i, "rtt_ms",
                    "ICMP fields belong to ICMP results only");
            ResultBatches.require(r.rttMs() == null || r.rttMs() >= 0, i, "rtt_ms", "must not be negative");
            ResultBatches.require(r.lossPercent() == null || r.lossPercent() >= 0 && r.lossPercent() <= 100, i, "loss_percent",
                    "must be 0..100");
            boolean http = protocol.get().http();
            ResultBatches.require(http || r.httpStatus() == null && r.tlsMs() == null && r.firstByteMs() == null
                    && r.certNotAfter() == null, i, "http_status", "HTTP fields belong to HTTP and HTTPS results only");
            ResultBatches.require(r.httpStatus() == null || r.httpStatus() >= 100 && r.httpStatus() <= 599, i, "http_status",
                    "must be 100..599");
            ResultBatches.require(r.tlsMs() == null || r.tlsMs() >= 0, i, "tls_ms", "must not be negative");
            ResultBatches.require(r.firstByteMs() == null || r.firstByteMs() >= 0, i, "first_byte_ms", "must not be negative");
            ResultBatches.require(ProbeReason.fromWire(r.reason()).isPresent(), i, "reason", "must be one of " + ProbeReason.WIRE_NAMES);
            ResultBatches.require(r.success() == ProbeReason.OK.wire().equals(r.reason()), i, "success", "must be true exactly when reason is ok");
            ResultBatches.require(r.totalMs() >= 0, i, "total_ms", "must not be negative");
            ResultBatches.require(r.executedAt() != null, i, "executed_at", "is required");
        }
    }

    /** The newest report of each (probe, destination) in the batch by {@link ProbeResultStore#latestOrder}. */
    private static List<ProbeReport> latestPerDestination(List<ProbeReport> fresh, Instant receivedAt) {
        Map<String, ProbeReport> latest = new LinkedHashMap<>();
        Comparator<ProbeReport> order = ProbeResultStore.latestOrder(receivedAt);
        fresh.forEach(r -> latest.merge(r.probeId() + "/" + ProbeResultStore.destKey(r), r, (a, b) -> order.compare(a, b) >= 0 ? a : b));
        return new ArrayList<>(latest.values());
    }
}
