package io.aami.agent.spool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a spool directory at open: scans every segment once (so the totals are exact and no later
 * operation needs to scan), cuts a torn tail off the newest segment, which is the only one that was
 * being written when the previous process died, and deletes segments with nothing left to deliver.
 */
final class SpoolRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolRecovery.class);

    /** The segments to keep, oldest first, the cursor's offset in the first, and the highest seq seen. */
    record Recovered(List<Segment> segments, long headOffset, long highestSeq, int tornTails) {
    }

    private record Scan(long size, long validEnd, long pending, long firstPendingOffset, long highestSeq) {
    }

    private SpoolRecovery() {
    }

    static Recovered recover(Path dir, long ackedThrough) throws IOException {
        TreeMap<Long, Path> files = segmentFiles(dir);
        List<Segment> keep = new ArrayList<>();
        long headOffset = 0;
        long highestSeq = 0;
        int tornTails = 0;
        for (Map.Entry<Long, Path> e : files.entrySet()) {
            Path file = e.getValue();
            Scan scan = scan(file, ackedThrough);
            highestSeq = Math.max(highestSeq, scan.highestSeq());
            long size = scan.size();
            if (e.getKey().equals(files.lastKey()) && scan.validEnd() < size) {
                truncate(file, scan.validEnd());
                LOG.warn("spool segment {}: cut a torn tail of {} bytes at offset {} (a write interrupted by a crash)",
                        file, size - scan.validEnd(), scan.validEnd());
                tornTails++;
                size = scan.validEnd();
            }
            if (size == 0 || (keep.isEmpty() && scan.pending() == 0)) {
                Files.delete(file);
                continue;
            }
            if (keep.isEmpty()) {
                headOffset = scan.firstPendingOffset();
            }
            keep.add(new Segment(file, e.getKey(), size, scan.pending()));
        }
        return new Recovered(keep, headOffset, highestSeq, tornTails);
    }

    private static TreeMap<Long, Path> segmentFiles(Path dir) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + Segment.SUFFIX)) {
            for (Path p : ds) {
                long id = Segment.parseId(p.getFileName().toString());
                if (id < 0) {
                    LOG.warn("ignoring {} in the spool directory: not a segment name", p);
                } else {
                    files.put(id, p);
                }
            }
        }
        return files;
    }

    private static Scan scan(Path file, long ackedThrough) throws IOException {
        long size = Files.size(file);
        long validEnd = 0;
        long pending = 0;
        long firstPending = -1;
        long highestSeq = 0;
        try (SegmentReader reader = new SegmentReader(file)) {
            for (Frame f = reader.next(0, size); f != null; f = reader.next(f.end(), size)) {
                if (f.seq() > ackedThrough) {
                    pending++;
                    if (firstPending < 0) {
                        firstPending = f.offset();
                    }
                }
                highestSeq = Math.max(highestSeq, f.seq());
                validEnd = f.end();
            }
        }
        return new Scan(size, validEnd, pending, firstPending < 0 ? validEnd : firstPending, highestSeq);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            raf.getFD().sync();
        }
    }
}
