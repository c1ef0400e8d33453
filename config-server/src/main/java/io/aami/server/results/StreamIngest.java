package io.aami.server.results;

import io.aami.contract.results.ResultAck;
import io.aami.server.db.Database;
import io.aami.server.metrics.ServerMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Exactly-once storage of one agent result stream, shared by checks and probes. Under the stream
 * cursor's row lock: results at or below the high-water mark are duplicates (acknowledged again,
 * not stored), the rest are written by the stream's writer in the same transaction, and the
 * acknowledgement is returned only after commit. A jump in {@code seq} is counted as a gap.
 */
public final class StreamIngest {
    /** Writes the new results of one batch (history and latest state). */
    @FunctionalInterface
    public interface Writer<T> {
        void write(Connection c, UUID target, Instant receivedAt, List<T> fresh) throws SQLException;
    }

    private final Database db;
    private final StreamCursors cursors = new StreamCursors();
    private final PartitionMaintainer partitions;
    private final ServerMetrics metrics;
    private final Clock clock;

    public StreamIngest(Database db, PartitionMaintainer partitions, ServerMetrics metrics, Clock clock) {
        this.db = db;
        this.partitions = partitions;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** {@code results} are validated and in strictly increasing seq order. */
    public <T> ResultAck ingest(UUID target, String stream, String historyTable, List<T> results, ToLongFunction<T> seq,
                                Writer<T> writer) {
        Instant now = clock.instant();
        partitions.ensure(historyTable, now);
        ResultAck ack = db.inTransaction(c -> {
            long highWater = cursors.lock(c, target, stream).highWater();
            List<T> fresh = results.stream().filter(r -> seq.applyAsLong(r) > highWater).toList();
            if (fresh.isEmpty()) {
                return new ResultAck(highWater, 0, results.size(), 0);
            }
            long gap = Math.max(0, seq.applyAsLong(fresh.get(0)) - highWater - 1);
            writer.write(c, target, now, fresh);
            long last = seq.applyAsLong(fresh.get(fresh.size() - 1));
            cursors.advance(c, target, stream, last, gap);
            return new ResultAck(last, fresh.size(), results.size() - fresh.size(), gap);
        });
        metrics.resultsIngested.labelValues(stream).inc(ack.accepted());
        metrics.resultsDuplicates.labelValues(stream).inc(ack.duplicates());
        metrics.seqGaps.labelValues(stream).inc(ack.gap());
        return ack;
    }

    /** Counts a batch refused before anything was stored. */
    public void rejected(String stream) {
        metrics.rejectedBatches.labelValues(stream).inc();
    }
}
