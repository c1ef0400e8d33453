package io.aami.server.checkresults;

import io.aami.server.results.ResultBatches;
import io.aami.server.results.StreamIngest;
import io.aami.contract.checks.CheckStatus;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ResultAck;
import io.aami.server.error.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Validates check result batches and stores them through {@link StreamIngest}: history by COPY, latest by one upsert. */
public final class CheckResultIngest {
    public static final String STREAM = "checks";
    static final int MAX_OUTPUT_CHARS = 64 * 1024;

    private final StreamIngest ingest;
    private final CheckResultStore store;
    private final int maxBatch;

    public CheckResultIngest(StreamIngest ingest, CheckResultStore store, int maxBatch) {
        this.ingest = ingest;
        this.store = store;
        this.maxBatch = maxBatch;
    }

    public ResultAck ingest(UUID target, CheckResultBatch batch) {
        List<CheckResult> results;
        UUID epoch;
        try {
            results = validated(batch);
            epoch = ResultBatches.requireEpoch(batch.streamEpoch());
        } catch (ApiException e) {
            ingest.rejected(STREAM);
            throw e;
        }
        return ingest.ingest(target, STREAM, epoch, "check_results", results, CheckResult::seq, (c, t, e, receivedAt, fresh) -> {
            store.copyHistory(c, t, e, receivedAt, fresh);
            store.upsertLatest(c, t, e, receivedAt, latestPerCheck(fresh));
        });
    }

    private List<CheckResult> validated(CheckResultBatch batch) {
        List<CheckResult> in = ResultBatches.requireOrdered(batch.results(), maxBatch, CheckResult::seq);
        List<CheckResult> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            CheckResult r = in.get(i);
            ResultBatches.require(r.checkId() != null, i, "check_id", "is required");
            ResultBatches.require(CheckStatus.fromWire(r.status()).isPresent(), i, "status", "must be ok, warning, critical or unknown");
            ResultBatches.require(r.durationMs() >= 0, i, "duration_ms", "must not be negative");
            ResultBatches.require(r.executedAt() != null, i, "executed_at", "is required");
            String output = r.output() == null ? "" : r.output();
            boolean cut = output.length() > MAX_OUTPUT_CHARS;
            out.add(new CheckResult(r.seq(), r.checkId(), r.status(), r.exitCode(),
                    cut ? output.substring(0, MAX_OUTPUT_CHARS) : output, r.truncated() || cut, r.timedOut(), r.durationMs(),
                    r.executedAt()));
        }
        return out;
    }

    /** The newest result of each check in the batch (an upsert may touch each row once). */
    private static List<CheckResult> latestPerCheck(List<CheckResult> fresh) {
        Map<UUID, CheckResult> latest = new LinkedHashMap<>();
        fresh.forEach(r -> latest.put(r.checkId(), r));
        return new ArrayList<>(latest.values());
    }
}
