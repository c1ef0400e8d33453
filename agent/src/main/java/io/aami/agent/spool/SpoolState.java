package io.aami.agent.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a spool knows, without the locking: seq allocation, segments, delivery cursor, the stream
 * epoch, and what it lost ({@link SpoolLosses}). Not thread-safe; {@link ResultSpool} holds its lock around
 * every call.
 */
final class SpoolState {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolState.class);

    private final SpoolOptions options;
    private final Clock clock;
    private final StreamMetrics metrics;
    private final String stream;
    private final SeqAllocator seqs;
    private final SegmentLog log;
    private final DeliveryCursor cursor;
    private final EpochFile epochFile;
    private final SpoolLosses losses;
    private String epoch;

    private SpoolState(Path dir, SpoolOptions options, Clock clock, StreamMetrics metrics) throws IOException {
        this.options = options;
        this.clock = clock;
        this.metrics = metrics;
        this.stream = metrics.stream();
        DurableLong seqState = new DurableLong(dir.resolve("seq"), true);
        DurableLong ackedState = new DurableLong(dir.resolve("acked"), options.fsync() != FsyncPolicy.NEVER);
        long acked = readAcked(ackedState);
        SpoolRecovery.Recovered r = SpoolRecovery.recover(dir, acked);
        OptionalLong storedSeq = readSeqState(seqState, r, acked);
        long next = Math.max(storedSeq.orElse(1), Math.max(r.highestSeq(), acked) + 1);
        this.seqs = new SeqAllocator(seqState, next);
        this.log = new SegmentLog(dir, options, r.segments());
        this.losses = new SpoolLosses(options, clock, metrics);
        this.cursor = new DeliveryCursor(log, ackedState, acked, r.headOffset(), losses::damaged);
        for (int i = 0; i < r.tornTails(); i++) {
            losses.tornTail();
        }
        this.epochFile = new EpochFile(dir);
        this.epoch = recoverEpoch(storedSeq.isPresent(), !r.segments().isEmpty() || acked > 0);
    }

    /**
     * Keeps the stored epoch only when the numbering provably continues it: the epoch file is intact and
     * so is the seq file, which is fsync'd before any seq beyond it is handed out (so no seq the server
     * may hold is handed out again). Anything else starts a new epoch: the server then stores what
     * follows as a new stream instead of taking it for duplicates. Numbering goes on from what the spool
     * still knows, so pending records keep their seqs and their order.
     */
    private String recoverEpoch(boolean seqStored, boolean hasRecords) throws IOException {
        EpochFile.Found found = epochFile.read();
        if (found.state() == EpochFile.State.VALID && seqStored) {
            return found.epoch();
        }
        String fresh = EpochFile.random();
        // The seq file first: an epoch file on disk always has a seq file beside it.
        seqs.storeExact();
        epochFile.write(fresh);
        metrics.epochStarted();
        if (found.state() == EpochFile.State.MISSING && !seqStored && !hasRecords) {
            LOG.info("spool {}: new spool, stream epoch {}", stream, fresh);
        } else if (found.state() == EpochFile.State.MISSING && seqStored) {
            LOG.info("spool {}: no stream epoch stored (a spool of an agent from before epochs, or {} was removed);"
                    + " started epoch {} at seq {}", stream, epochFile.file(), fresh, seqs.peekNext());
        } else {
            LOG.warn("spool {}: cannot prove its numbering continues the stored stream epoch ({}); started epoch {} at seq {}"
                    + ": the server stores it as a new stream", stream,
                    found.state() == EpochFile.State.VALID ? "the seq file is missing" : found.problem(), fresh, seqs.peekNext());
        }
        return fresh;
    }

    /** The stream epoch the spool's seq numbers belong to. */
    String epoch() {
        return epoch;
    }

    /**
     * Starts a new epoch now (fsync'd before it is returned or any record is numbered in it); pending
     * records and the numbering carry on unchanged. For when the server shows this spool's numbering is
     * not what it holds for the epoch ({@code why}).
     */
    String startNewEpoch(String why) throws IOException {
        String old = epoch;
        String fresh = EpochFile.random();
        epochFile.write(fresh);
        epoch = fresh;
        metrics.epochStarted();
        LOG.warn("spool {}: {}; started stream epoch {} in place of {} (next seq {})", stream, why, fresh, old, seqs.peekNext());
        return fresh;
    }

    /** The state of the spool in {@code dir} as a previous process left it (see {@link SpoolRecovery}). */
    static SpoolState recover(Path dir, SpoolOptions options, Clock clock, StreamMetrics metrics) throws IOException {
        return new SpoolState(dir, options, clock, metrics);
    }

    long append(LongFunction<byte[]> encode) throws IOException {
        long seq;
        try {
            seq = seqs.reserveNext();
        } catch (IOException e) {
            throw losses.writeFailed(e);
        }
        byte[] payload = checkedPayload(seq, encode.apply(seq));
        byte[] record = RecordFormat.encode(seq, clock.millis(), payload);
        for (Segment s : log.makeRoom(record.length)) {
            dropped(s);
        }
        seqs.advance(); // before the write: a failed write may still have put this seq on disk
        try {
            log.append(seq, record, false);
        } catch (IOException e) {
            throw losses.writeFailed(e);
        }
        metrics.appended();
        return seq;
    }

    /**
     * Appends all of {@code encoders}' records as submitted ones, or none: only when together they fit in
     * the spool's free room (so nothing is dropped for them) and keep the submitted bytes on disk within
     * {@code maxSubmittedBytes}. Returns their seqs in order, or null when they do not fit (no seq used).
     */
    List<Long> appendSubmitted(List<LongFunction<byte[]>> encoders, long maxSubmittedBytes) throws IOException {
        long first = seqs.peekNext();
        long now = clock.millis();
        List<byte[]> records = new ArrayList<>(encoders.size());
        long total = 0;
        for (int i = 0; i < encoders.size(); i++) {
            byte[] record = RecordFormat.encode(first + i, now, checkedPayload(first + i, encoders.get(i).apply(first + i)));
            records.add(record);
            total += record.length;
        }
        if (log.bytes() + total > options.maxBytes() || log.submittedBytes() + total > maxSubmittedBytes) {
            return null;
        }
        List<Long> out = new ArrayList<>(records.size());
        // All or none: a write that fails part-way (disk full, I/O error) takes the batch's earlier records off
        // the disk again, so the caller's retry does not spool them twice. Their seqs stay used (a gap).
        SegmentLog.Mark mark = log.mark();
        try {
            for (byte[] record : records) {
                long seq = seqs.reserveNext();
                if (!log.makeRoom(record.length).isEmpty()) {
                    throw new IllegalStateException("spool " + stream + " dropped a segment for a record that fit its free room");
                }
                seqs.advance();
                log.append(seq, record, true);
                out.add(seq);
            }
        } catch (IOException | RuntimeException e) {
            log.rollBack(mark);
            throw e;
        }
        out.forEach(seq -> metrics.appended());
        return out;
    }

    private byte[] checkedPayload(long seq, byte[] payload) {
        if (payload == null) {
            throw new IllegalArgumentException("encode returned null for seq " + seq);
        }
        if (payload.length > options.maxPayloadBytes()) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes for seq " + seq
                    + " exceeds the spool's limit of " + options.maxPayloadBytes() + " (segmentBytes minus header)");
        }
        return payload;
    }

    List<SpoolRecord> peek(int max) throws IOException {
        return cursor.peek(max);
    }

    void ack(long throughSeq) throws IOException {
        if (throughSeq >= seqs.peekNext()) {
            throw new IllegalArgumentException("throughSeq " + throughSeq + " was never appended (next seq is "
                    + seqs.peekNext() + ")");
        }
        cursor.ack(throughSeq);
    }

    long pending() {
        return log.pending();
    }

    /** With {@code oldest}, reads the oldest pending record's header (normally one page-cache read). */
    SpoolStats stats(boolean oldest) throws IOException {
        Instant oldestAt = oldest && log.pending() > 0 ? cursor.oldestPending() : null;
        return new SpoolStats(log.bytes(), log.count(), log.pending(), oldestAt, losses.droppedRecords(),
                losses.droppedSegments(), losses.corruptRecords(), seqs.peekNext(), cursor.ackedThrough(), log.submittedBytes());
    }

    /** What the INTERVAL sync has to force: the active writer (may be null). */
    SegmentWriter activeWriter() {
        return log.writer();
    }

    boolean takeDirUnsynced() {
        return log.takeDirUnsynced();
    }

    void closeSegments() throws IOException {
        log.close();
    }

    void storeNextSeq() throws IOException {
        seqs.storeExact();
    }

    private void dropped(Segment s) {
        losses.segmentDropped(s);
        cursor.headDropped();
    }

    private long readAcked(DurableLong ackedState) {
        try {
            return Math.max(0, ackedState.read().orElse(0));
        } catch (IOException e) {
            // Safe to forget: everything is delivered again and the server drops what it already has.
            LOG.warn("spool {}: {}; delivering everything in the spool again", stream, e.getMessage());
            return 0;
        }
    }

    private OptionalLong readSeqState(DurableLong seqState, SpoolRecovery.Recovered r, long acked) {
        OptionalLong stored;
        try {
            stored = seqState.read();
        } catch (IOException e) {
            throw new IllegalStateException("spool " + stream + ": " + e.getMessage() + "; it guards against reusing"
                    + " sequence numbers the server already holds: fix it, or remove it deliberately (the spool then"
                    + " starts a new stream epoch)");
        }
        if (stored.isEmpty() && (!r.segments().isEmpty() || acked > 0)) {
            LOG.warn("spool {}: {} is missing; numbering continues after the highest seq still in the spool",
                    stream, seqState.file());
        }
        return stored;
    }
}
