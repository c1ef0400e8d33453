package io.aami.agent.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file, {@code <first seq, 20 digits>.seg}, with what the spool tracks about it: its size
 * and how many of its records are still pending. Guarded by the spool lock.
 */
final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
    static final String SUFFIX = ".seg";

    private final Path file;
    private final long id;
    private long bytes;
    private long pending;
    /** Bytes of records appended through {@code ResultSpool#appendSubmitted} by this process. */
    private long submittedBytes;
    private SegmentReader reader;

    Segment(Path file, long id, long bytes, long pending) {
        this.file = file;
        this.id = id;
        this.bytes = bytes;
        this.pending = pending;
    }

    static String fileName(long firstSeq) {
        return String.format("%020d%s", firstSeq, SUFFIX);
    }

    /** The id in a segment file name, or -1 if the name is not one of ours. */
    static long parseId(String fileName) {
        if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    Path file() {
        return file;
    }

    /** Orders segments: the first seq the segment was created for. */
    long id() {
        return id;
    }

    long bytes() {
        return bytes;
    }

    void grow(long n) {
        bytes += n;
    }

    long submittedBytes() {
        return submittedBytes;
    }

    void addSubmitted(long n) {
        submittedBytes += n;
    }

    long pending() {
        return pending;
    }

    /** Puts back what was tracked before a batch whose records were cut off the file again ({@link SegmentLog#rollBack}). */
    void restore(long bytes, long pending, long submittedBytes) {
        this.bytes = bytes;
        this.pending = pending;
        this.submittedBytes = submittedBytes;
        closeReader();
    }

    void pending(long n) {
        pending = n;
    }

    SegmentReader reader() throws IOException {
        if (reader == null) {
            reader = new SegmentReader(file);
        }
        return reader;
    }

    /** Deletes the file; a failure is logged, as the records in it are either delivered or given up. */
    void delete() {
        closeReader();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete spool segment {}: {}", file, e.toString());
        }
    }

    void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.debug("closing reader of {}: {}", file, e.toString());
            }
            reader = null;
        }
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
