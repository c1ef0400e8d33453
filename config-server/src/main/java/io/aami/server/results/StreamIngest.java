package io.aami.server.results;

import io.aami.contract.results.ResultAck;
import io.aami.contract.results.StreamEpochs;
import io.aami.server.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * Exactly-once storage of one agent result stream, shared by checks and probes. Under the cursor's
 * row lock of the batch's stream epoch: results at or below the epoch's high-water mark are duplicates
 * (acknowledged again, not stored), the rest are written by the stream's writer in the same
 * transaction, and the acknowledgement is returned only after commit. A batch that starts right after
 * the high-water mark (an agent sending its next batch, the usual case) takes the lock by moving the
 * cursor in one statement ({@link StreamCursors#advanceFrom}) that matches only that mark: a retry racing
 * its original waits for the row, then finds the mark moved and takes the general path, which sees its
 * results as duplicates. A jump in {@code seq} is counted
 * as a gap. A batch of an epoch new to the stream starts a new cursor at 0 (see {@link StreamCursors});
 * replacing another epoch is reported by {@link StreamResets} after commit.
 */
public final class StreamIngest {
    /**
     * Writes the new results of one batch (history and latest state), tagged with their epoch, and
     * returns how many it stored: it may leave out results the stream must not keep (check results of a
     * check not assigned to the agent), which are acknowledged all the same so the stream moves on.
     */
    @FunctionalInterface
    public interface Writer<T> {
        int write(Connection c, UUID target, UUID epoch, Instant receivedAt, List<T> fresh) throws SQLException;
    }

    /**
     * Of a batch without seq, the results not stored before, numbered for history; runs in the ingest's
     * transaction and records what it keeps, so a concurrent copy of the batch finds them stored.
     */
    @FunctionalInterface
    public interface Deduplicator<T> {
        List<T> fresh(Connection c, UUID target, Instant receivedAt, List<T> results) throws SQLException;
    }

    private record Outcome(ResultAck ack, StreamCursors.Cursor cursor) {
    }

    private static final UUID UNSEQUENCED = UUID.fromString(StreamEpochs.UNSEQUENCED);

    private final Database db;
    private final StreamCursors cursors = new StreamCursors();
    private final PartitionMaintainer partitions;
    private final ResultMetrics metrics;
    private final StreamResets resets;
    private final Clock clock;

    public StreamIngest(Database db, PartitionMaintainer partitions, ResultMetrics metrics, Clock clock) {
        this.db = db;
        this.partitions = partitions;
        this.metrics = metrics;
        this.resets = new StreamResets(metrics);
        this.clock = clock;
    }

    /**
     * {@code results} are validated and in strictly increasing seq order; {@code epoch} is validated too.
     * {@code historyTable} null: the stream keeps no partitioned history (discovery keeps only its latest state).
     */
    public <T> ResultAck ingest(UUID target, String stream, UUID epoch, String historyTable, List<T> results,
                               ToLongFunction<T> seq, Writer<T> writer) {
        Instant now = clock.instant();
        if (historyTable != null) {
            partitions.ensure(historyTable, now);
        }
        Outcome out = db.inTransaction(c -> {
            long first = seq.applyAsLong(results.get(0));
            long last = seq.applyAsLong(results.get(results.size() - 1));
            if (cursors.advanceFrom(c, target, stream, epoch, first - 1, last, now)) {
                // The batch follows the stored ones exactly (the common case): the cursor is locked and
                // already moved, all of it is new, no gap.
                int stored = writer.write(c, target, epoch, now, results);
                return new Outcome(new ResultAck(last, stored, 0, 0), new StreamCursors.Cursor(first - 1, false, null));
            }
            StreamCursors.Cursor cursor = cursors.lock(c, target, stream, epoch, now);
            long highWater = cursor.highWater();
            List<T> fresh = results.stream().filter(r -> seq.applyAsLong(r) > highWater).toList();
            if (fresh.isEmpty()) {
                return new Outcome(new ResultAck(highWater, 0, results.size(), 0), cursor);
            }
            long gap = Math.max(0, seq.applyAsLong(fresh.get(0)) - highWater - 1);
            int stored = writer.write(c, target, epoch, now, fresh);
            cursors.advance(c, target, stream, epoch, last, gap, now);
            return new Outcome(new ResultAck(last, stored, results.size() - fresh.size(), gap), cursor);
        });
        ResultAck ack = out.ack();
        if (out.cursor().replaced() != null) {
            resets.report(target, stream, epoch, out.cursor().replaced(), seq.applyAsLong(results.get(0)));
        }
        metrics.ingested.labelValues(stream).inc(ack.accepted());
        metrics.duplicates.labelValues(stream).inc(ack.duplicates());
        metrics.seqGaps.labelValues(stream).inc(ack.gap());
        return ack;
    }

    /**
     * Stores results sent without seq (validated): those {@code dedup} keeps are written in the
     * {@link StreamEpochs#UNSEQUENCED} epoch, the rest acknowledged as duplicates. No cursor moves, so
     * the acknowledgement's {@code acked_seq} is 0.
     */
    public <T> ResultAck ingestUnsequenced(UUID target, String stream, String historyTable, List<T> results,
                                           Deduplicator<T> dedup, Writer<T> writer) {
        Instant now = clock.instant();
        partitions.ensure(historyTable, now);
        int accepted = db.inTransaction(c -> {
            List<T> fresh = dedup.fresh(c, target, now, results);
            return fresh.isEmpty() ? 0 : writer.write(c, target, UNSEQUENCED, now, fresh);
        });
        metrics.ingested.labelValues(stream).inc(accepted);
        metrics.duplicates.labelValues(stream).inc(results.size() - accepted);
        return new ResultAck(0, accepted, results.size() - accepted, 0);
    }

    /** Counts a batch refused before anything was stored. */
    public void rejected(String stream) {
        metrics.rejectedBatches.labelValues(stream).inc();
    }

    /** Counts {@code count} results filed under a check not assigned to their agent (dropped, or refusing their batch). */
    public void unassigned(String stream, int count) {
        metrics.unassigned.labelValues(stream).inc(count);
    }
}
