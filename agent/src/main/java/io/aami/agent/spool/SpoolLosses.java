package io.aami.agent.spool;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a spool lost, counted and logged: records dropped with the oldest segment of a full spool or by a failed
 * write, and damaged records skipped. The counters go to {@link StreamMetrics} at once and into {@link SpoolStats};
 * the drop warnings are rate-limited. Not thread-safe; {@link ResultSpool} holds its lock around every call.
 */
final class SpoolLosses {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolLosses.class);
    /** A full spool drops a segment every few seconds under load; say so once a minute, not each time. */
    private static final Duration DROP_LOG_INTERVAL = Duration.ofMinutes(1);

    private final SpoolOptions options;
    private final Clock clock;
    private final StreamMetrics metrics;
    private final String stream;
    private long droppedRecords;
    private long droppedSegments;
    private long corruptRecords;
    private Instant dropLoggedAt;
    private Instant writeFailLoggedAt;
    private long dropsNotLogged;
    private long droppedRecordsNotLogged;

    SpoolLosses(SpoolOptions options, Clock clock, StreamMetrics metrics) {
        this.options = options;
        this.clock = clock;
        this.metrics = metrics;
        this.stream = metrics.stream();
    }

    long droppedRecords() {
        return droppedRecords;
    }

    long droppedSegments() {
        return droppedSegments;
    }

    long corruptRecords() {
        return corruptRecords;
    }

    /**
     * A full disk (or a failing one) drops the record being appended: counted with the full spool's drops, so the
     * metric and the heartbeat's {@code spool_dropped} say so; the next append tries again on a new segment.
     * Returns {@code e}, for the caller to throw.
     */
    IOException writeFailed(IOException e) {
        droppedRecords++;
        metrics.dropped(1);
        Instant now = clock.instant();
        if (writeFailLoggedAt == null || !now.isBefore(writeFailLoggedAt.plus(DROP_LOG_INTERVAL))) {
            LOG.warn("spool {}: a write failed ({}): dropped the result being appended, {} dropped since start"
                    + " (logged at most once a minute)", stream, e.getMessage(), droppedRecords);
            writeFailLoggedAt = now;
        }
        return e;
    }

    /** A full spool dropped its oldest segment {@code s}, with its undelivered records. */
    void segmentDropped(Segment s) {
        droppedSegments++;
        droppedRecords += s.pending();
        metrics.dropped(s.pending());
        dropsNotLogged++;
        droppedRecordsNotLogged += s.pending();
        Instant now = clock.instant();
        if (dropLoggedAt == null || !now.isBefore(dropLoggedAt.plus(DROP_LOG_INTERVAL))) {
            LOG.warn("spool {} full (max {} bytes): dropped the oldest {} segment(s) with {} undelivered records"
                    + " (last: {}; logged at most once a minute)",
                    stream, options.maxBytes(), dropsNotLogged, droppedRecordsNotLogged, s);
            dropLoggedAt = now;
            dropsNotLogged = 0;
            droppedRecordsNotLogged = 0;
        }
    }

    /** A torn record at a segment's end, cut off at open (recovery logged it). */
    void tornTail() {
        corruptRecords++;
        metrics.corrupt();
    }

    /** Bytes {@code from} to {@code to} of segment {@code s} were skipped as damaged while reading. */
    void damaged(Segment s, long from, long to) {
        corruptRecords++;
        metrics.corrupt();
        LOG.warn("spool {}: skipped {} damaged bytes in segment {} at offset {} (bad CRC, bad length or torn write)",
                stream, to - from, s, from);
    }
}
