package io.aami.agent.spool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files of one spool, oldest first, and the active one records are appended to. Keeps
 * the totals (bytes, pending records) so nothing is ever counted by scanning. Only segments created
 * by this instance are written to; a recovered segment is read-only. Guarded by the spool lock.
 */
final class SegmentLog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
    private final Path dir;
    private final SpoolOptions options;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Segment active;
    private SegmentWriter writer;
    private long bytes;
    private long pending;
    /** Bytes of submitted records in the segments (see {@link Segment#submittedBytes}). */
    private long submittedBytes;
    /** A segment was created and its directory entry is not yet fsync'd (INTERVAL syncs it later). */
    private boolean dirUnsynced;

    SegmentLog(Path dir, SpoolOptions options, Collection<Segment> recovered) {
        this.dir = dir;
        this.options = options;
        for (Segment s : recovered) {
            segments.put(s.id(), s);
            bytes += s.bytes();
            pending += s.pending();
        }
    }

    Segment head() {
        Map.Entry<Long, Segment> e = segments.firstEntry();
        return e == null ? null : e.getValue();
    }

    Segment after(Segment s) {
        Map.Entry<Long, Segment> e = segments.higherEntry(s.id());
        return e == null ? null : e.getValue();
    }

    boolean isActive(Segment s) {
        return s == active;
    }

    long bytes() {
        return bytes;
    }

    long pending() {
        return pending;
    }

    long submittedBytes() {
        return submittedBytes;
    }

    int count() {
        return segments.size();
    }

    /**
     * Rolls the active segment if {@code recordBytes} would overflow it, then removes the oldest
     * segments (never the active one) until the record fits under maxBytes. Returns what was dropped,
     * with each segment's pending count as it was: those records are lost.
     */
    List<Segment> makeRoom(int recordBytes) throws IOException {
        if (active != null && active.bytes() + recordBytes > options.segmentBytes()) {
            roll();
        }
        List<Segment> dropped = List.of();
        while (bytes + recordBytes > options.maxBytes() && head() != null && head() != active) {
            if (dropped.isEmpty()) {
                dropped = new ArrayList<>(2);
            }
            Segment s = head();
            long lost = s.pending();
            removeHead();
            s.pending(lost);
            dropped.add(s);
        }
        return dropped;
    }

    /**
     * Appends one encoded record as the record {@code seq}, creating the active segment if needed;
     * {@code submitted} counts it in {@link #submittedBytes} until its segment is deleted.
     */
    Segment append(long seq, byte[] record, boolean submitted) throws IOException {
        if (active == null) {
            startSegment(seq);
        }
        try {
            writer.write(record);
        } catch (IOException e) {
            abandonActive();
            throw e;
        }
        active.grow(record.length);
        active.pending(active.pending() + 1);
        bytes += record.length;
        if (submitted) {
            active.addSubmitted(record.length);
            submittedBytes += record.length;
        }
        pending++;
        if (options.fsync() == FsyncPolicy.ALWAYS) {
            writer.sync();
        }
        return active;
    }

    private void startSegment(long firstSeq) throws IOException {
        Segment s = new Segment(dir.resolve(Segment.fileName(firstSeq)), firstSeq, 0, 0);
        writer = SegmentWriter.create(s.file());
        active = s;
        segments.put(s.id(), s);
        if (options.fsync() == FsyncPolicy.ALWAYS) {
            DirSync.sync(dir);
        } else if (options.fsync() == FsyncPolicy.INTERVAL) {
            dirUnsynced = true;
        }
    }

    /** Where the log stood before a batch of appends: what {@link #rollBack} puts back. */
    record Mark(Segment active, long activeBytes, long activePending, long activeSubmitted, long lastId,
                long bytes, long pending, long submittedBytes) {
    }

    Mark mark() {
        Segment a = active;
        return new Mark(a, a == null ? 0 : a.bytes(), a == null ? 0 : a.pending(), a == null ? 0 : a.submittedBytes(),
                segments.isEmpty() ? Long.MIN_VALUE : segments.lastKey(), bytes, pending, submittedBytes);
    }

    /**
     * Undoes the appends since {@code m} after one of them failed, so a batch is spooled all or none: deletes the
     * segments created since, cuts the segment then active back to its size at the mark (fsync'd, so a crash does not
     * bring the records back) and closes it (the next append starts a new segment). Appends since the mark only
     * added segments (a batch never drops one). If the cut fails, that segment keeps what was written, as counted.
     */
    void rollBack(Mark m) {
        try {
            roll();
        } catch (IOException ignored) {
            // The batch already failed; what matters is what is on disk, put back below.
        }
        while (!segments.isEmpty() && segments.lastKey() > m.lastId()) {
            Segment s = segments.pollLastEntry().getValue();
            bytes -= s.bytes();
            pending -= s.pending();
            submittedBytes -= s.submittedBytes();
            s.delete();
        }
        Segment a = m.active();
        if (a == null || a.bytes() == m.activeBytes() && a.pending() == m.activePending()) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(a.file().toFile(), "rw")) {
            f.setLength(m.activeBytes());
            f.getFD().sync();
        } catch (IOException e) {
            LOG.warn("spool segment {}: cannot cut a failed batch off it ({}); its records in it stay spooled", a, e.toString());
            return;
        }
        bytes -= a.bytes() - m.activeBytes();
        pending -= a.pending() - m.activePending();
        submittedBytes -= a.submittedBytes() - m.activeSubmitted();
        a.restore(m.activeBytes(), m.activePending(), m.activeSubmitted());
    }

    /** Closes the active segment; the next append starts a new one. */
    void roll() throws IOException {
        if (writer != null) {
            SegmentWriter w = writer;
            writer = null;
            active = null;
            w.close(options.fsync() != FsyncPolicy.NEVER);
        }
    }

    /**
     * After a failed write the file may end in part of a record: keep it read-only (the reader skips
     * the torn bytes) with its real size, and write the next record to a new segment.
     */
    private void abandonActive() {
        Segment s = active;
        try {
            roll();
        } catch (IOException ignored) {
            // The write already failed; the caller reports that.
        }
        try {
            long written = Files.size(s.file()) - s.bytes();
            s.grow(written);
            bytes += written;
        } catch (IOException ignored) {
            // Size unknown: the reader stops at the bytes we know of.
        }
    }

    /** Deletes the oldest segment, active or not; its pending records leave the count. */
    void removeHead() throws IOException {
        Segment s = segments.pollFirstEntry().getValue();
        if (s == active) {
            SegmentWriter w = writer;
            writer = null;
            active = null;
            w.close(false); // no fsync for a file about to be deleted
        }
        bytes -= s.bytes();
        submittedBytes -= s.submittedBytes();
        pending -= s.pending();
        s.pending(0);
        s.delete();
    }

    /** One pending record of {@code s} was acknowledged. */
    void consumeOne(Segment s) {
        if (s.pending() > 0) {
            s.pending(s.pending() - 1);
            pending--;
        }
    }

    /** Nothing in {@code s} is pending any more (the reader passed its end). */
    void settle(Segment s) {
        pending -= s.pending();
        s.pending(0);
    }

    /** For the fsync timer: the writer to sync, and whether the directory needs it too. */
    SegmentWriter writer() {
        return writer;
    }

    boolean takeDirUnsynced() {
        boolean d = dirUnsynced;
        dirUnsynced = false;
        return d;
    }

    void close() throws IOException {
        try {
            roll();
            if (takeDirUnsynced()) {
                DirSync.sync(dir);
            }
        } finally {
            segments.values().forEach(Segment::closeReader);
        }
    }
}
