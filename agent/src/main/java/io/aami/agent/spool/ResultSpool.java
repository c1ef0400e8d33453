package io.aami.agent.spool;

import io.aami.agent.util.SharedTimer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk spool of one result stream (checks or probes) for at-least-once delivery. Producers
 * {@link #append} every result before any network call; one sender {@link #peek}s the oldest pending
 * records, ships them and {@link #ack}s what the server stored. Acknowledged records are never
 * returned again, also after a restart, and segments holding only acknowledged records are deleted.
 *
 * <p>How sequence numbers and stream epochs are kept, the files, what survives a crash under each
 * {@link FsyncPolicy}, and how a damaged record is handled: see the package documentation.
 *
 * <p><b>Threads.</b> Thread-safe: any number of appenders and one sender, serialised by one lock ({@link SpoolGuard}).
 * {@code encode} runs under that lock (file order must be seq order), so it must be quick and must not
 * call the spool. Reads in {@code peek} and {@code ack} happen under the lock too; they normally hit the
 * page cache. Metrics: see {@link SpoolMetrics}.
 */
public final class ResultSpool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSpool.class);

    private final Path dir;
    private final String stream;
    private final StreamMetrics metrics;
    private final DirectoryLock dirLock;
    private final SpoolState state;
    private final SpoolGuard guard;
    private final Supplier<SpoolStats> gaugeStats = () -> stats(false);
    private final FsyncTimer fsyncTimer;

    /**
     * Opens (creating if needed) the spool in {@code dir}, one directory per stream, recovering what a
     * previous process left. Fails if the directory is already open, here or in another process.
     */
    public static ResultSpool open(Path dir, SpoolOptions options, Clock clock, StreamMetrics metrics) {
        return open(dir, options, clock, metrics, null);
    }

    /** The same, its interval fsync on {@code timer}'s thread (null: a thread of its own). */
    public static ResultSpool open(Path dir, SpoolOptions options, Clock clock, StreamMetrics metrics, SharedTimer timer) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        try {
            Files.createDirectories(dir);
            // Results hold check output and env-derived text: only the agent's user may enter.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            DirectoryLock dirLock = DirectoryLock.acquire(dir);
            try {
                return new ResultSpool(dir, options, metrics, dirLock, SpoolState.recover(dir, options, clock, metrics), timer);
            } catch (IOException | RuntimeException e) {
                dirLock.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the result spool in " + dir + ": " + e.getMessage(), e);
        }
    }

    private ResultSpool(Path dir, SpoolOptions options, StreamMetrics metrics, DirectoryLock dirLock, SpoolState state,
                        SharedTimer timer) {
        this.dir = dir;
        this.stream = metrics.stream();
        this.metrics = metrics;
        this.dirLock = dirLock;
        this.state = state;
        this.guard = new SpoolGuard(dir, stream);
        metrics.bind(gaugeStats);
        this.fsyncTimer = options.fsync() == FsyncPolicy.INTERVAL
                ? new FsyncTimer("aami-spool-fsync-" + stream, options.fsyncInterval(), this::syncForInterval, timer)
                : null;
        SpoolStats s = stats(false);
        LOG.info("spool {} opened in {}: {} segments, {} bytes, {} pending records, epoch {}, next seq {}, acked through {}",
                stream, dir, s.segments(), s.bytes(), s.pendingRecords(), state.epoch(), s.nextSeq(), s.ackedSeq());
    }

    /**
     * Appends one record: allocates the next seq, asks {@code encode} for the payload carrying it, and
     * writes the record. Returns the seq. Fails only on a bad payload ({@link IllegalArgumentException})
     * or an I/O error ({@link UncheckedIOException}, the seq is then skipped); a full spool drops its
     * oldest segment instead.
     */
    public long append(LongFunction<byte[]> encode) {
        Objects.requireNonNull(encode, "encode");
        guard.refuseNested();
        return guard.whileOpen("append failed", () -> {
            long seq = state.append(encode);
            guard.appended();
            return seq;
        });
    }

    /**
     * Appends records of a producer that must never cost the spool's other records their place (results
     * local programs submitted), all or none: only into the spool's free room, so appending them never
     * drops a record, and only while the bytes of such records still on disk stay within
     * {@code maxSubmittedBytes}. Returns their seqs in order, or empty (nothing appended, no seq used) when
     * they do not fit. Records recovered at open count as ordinary ones. Fails like {@link #append}, and then
     * also appends none: records written before a failed write are cut off the disk again (their seqs are skipped).
     */
    public Optional<List<Long>> appendSubmitted(List<LongFunction<byte[]>> encoders, long maxSubmittedBytes) {
        Objects.requireNonNull(encoders, "encoders");
        guard.refuseNested();
        return guard.whileOpen("append failed", () -> {
            List<Long> seqs = state.appendSubmitted(encoders, maxSubmittedBytes);
            if (seqs != null && !seqs.isEmpty()) {
                guard.appended();
            }
            return Optional.ofNullable(seqs);
        });
    }

    /** The oldest records not yet acknowledged, in seq order, at most {@code max}; the same ones until acked. */
    public List<SpoolRecord> peek(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        return guard.whileOpen("read failed", () -> state.peek(max));
    }

    /**
     * Everything up to and including {@code throughSeq} is delivered: never returned again, also after a
     * restart; segments left with nothing pending are deleted. Acking again, or less, is a no-op.
     */
    public void ack(long throughSeq) {
        guard.whileOpen("ack failed", () -> {
            state.ack(throughSeq);
            return null;
        });
    }

    /** The stream epoch every seq of this spool belongs to; send it with the records. */
    public String epoch() {
        return guard.locked("read failed", state::epoch);
    }

    /**
     * Starts a new stream epoch, durably, for when the server holds numbers of the current one that this
     * spool never handed out ({@code why} is logged). Pending records and the numbering carry on; what is
     * sent from now on is a new stream to the server. Returns the new epoch.
     */
    public String startNewEpoch(String why) {
        return guard.whileOpen("cannot store a new epoch", () -> state.startNewEpoch(why));
    }

    /**
     * Waits until a record is pending, up to {@code timeout}. True if one is (at once if one already
     * is); false on timeout, close or interrupt (the interrupt flag is kept).
     */
    public boolean awaitRecords(Duration timeout) {
        return guard.await(timeout, () -> state.pending() != 0);
    }

    /** A snapshot; after close, without the oldest pending time. */
    public SpoolStats stats() {
        return stats(true);
    }

    private SpoolStats stats(boolean oldest) {
        return guard.locked("read failed", () -> state.stats(oldest && !guard.closed()));
    }

    /**
     * Stops the fsync thread, fsyncs (unless NEVER), stores the exact next seq and releases the
     * directory. Waiting {@link #awaitRecords} calls return false; other calls fail from now on.
     */
    @Override
    public void close() {
        if (!guard.close()) {
            return;
        }
        if (fsyncTimer != null) {
            fsyncTimer.close(); // outside the lock: a running sync takes it
        }
        guard.locked("close failed", () -> {
            metrics.unbind(gaugeStats);
            closeStep("close segments", state::closeSegments);
            closeStep("store the next seq", state::storeNextSeq);
            closeStep("release the directory lock", dirLock::close);
            return null;
        });
        LOG.info("spool {} closed", stream);
    }

    private interface IoStep {
        void run() throws IOException;
    }

    private void closeStep(String what, IoStep step) {
        try {
            step.run();
        } catch (IOException e) {
            LOG.warn("spool {}: cannot {} on close: {}", stream, what, e.toString());
        }
    }

    /** What one INTERVAL sync forces: the active writer (may be null), and the directory if it changed unsynced. */
    private record IntervalSync(SegmentWriter writer, boolean dirUnsynced) {
    }

    /** The INTERVAL sync; the fsync itself runs outside the lock so appenders never wait for the disk. */
    private void syncForInterval() {
        IntervalSync sync = guard.locked("fsync failed",
                () -> guard.closed() ? null : new IntervalSync(state.activeWriter(), state.takeDirUnsynced()));
        if (sync == null) {
            return;
        }
        try {
            if (sync.writer() != null) {
                sync.writer().syncIfDirty();
            }
            if (sync.dirUnsynced()) {
                DirSync.sync(dir);
            }
        } catch (IOException e) {
            LOG.warn("spool {}: fsync failed: {}", stream, e.toString());
        }
    }
}
