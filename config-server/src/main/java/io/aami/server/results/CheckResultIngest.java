package io.aami.server.results;

import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.ResultAck;
import io.aami.server.db.Database;
import io.aami.server.http.ApiException;
import io.aami.server.metrics.ServerMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stores a batch of check results exactly once and acknowledges only after commit. Under the
 * stream cursor's row lock: results at or below the high-water mark are duplicates (acknowledged
 * again, not stored); the rest go to history in one COPY and to the latest state in one upsert.
 */
public final class CheckResultIngest {
    public static final String STREAM = "checks";
    static final int MAX_OUTPUT_CHARS = 64 * 1024;

    private final Database db;
    private final StreamCursors cursors = new StreamCursors();
    private final CheckResultStore store;
    private final PartitionMaintainer partitions;
    private final ServerMetrics metrics;
    private final int maxBatch;
    private final Clock clock;

    public CheckResultIngest(Database db, CheckResultStore store, PartitionMaintainer partitions, ServerMetrics metrics,
                             int maxBatch, Clock clock) {
        this.db = db;
        this.store = store;
        this.partitions = partitions;
        this.metrics = metrics;
        this.maxBatch = maxBatch;
        this.clock = clock;
    }

    public ResultAck ingest(UUID target, CheckResultBatch batch) {
        List<CheckResult> results;
        try {
            results = validated(batch);
        } catch (ApiException e) {
            metrics.rejectedBatches.labelValues(STREAM).inc();
            throw e;
        }
        Instant now = clock.instant();
        partitions.ensure("check_results", now);
        ResultAck ack = db.inTransaction(c -> {
            long highWater = cursors.lock(c, target, STREAM).highWater();
            List<CheckResult> fresh = results.stream().filter(r -> r.seq() > highWater).toList();
            if (fresh.isEmpty()) {
                return new ResultAck(highWater, 0, results.size(), 0);
            }
            long gap = Math.max(0, fresh.get(0).seq() - highWater - 1);
            store.copyHistory(c, target, now, fresh);
            store.upsertLatest(c, target, now, latestPerCheck(fresh));
            long last = fresh.get(fresh.size() - 1).seq();
            cursors.advance(c, target, STREAM, last, gap);
            return new ResultAck(last, fresh.size(), results.size() - fresh.size(), gap);
        });
        metrics.resultsIngested.labelValues(STREAM).inc(ack.accepted());
        metrics.resultsDuplicates.labelValues(STREAM).inc(ack.duplicates());
        metrics.seqGaps.labelValues(STREAM).inc(ack.gap());
        return ack;
    }

    private List<CheckResult> validated(CheckResultBatch batch) {
        List<CheckResult> in = ResultBatches.requireOrdered(batch.results(), maxBatch, CheckResult::seq);
        List<CheckResult> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            CheckResult r = in.get(i);
            ResultBatches.require(r.checkId() != null, i, "check_id", "is required");
            ResultBatches.require(CheckStatus.code(r.status()) >= 0, i, "status", "must be ok, warning, critical or unknown");
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
