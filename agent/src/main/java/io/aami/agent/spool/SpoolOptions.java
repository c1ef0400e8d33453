package io.aami.agent.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and durability of one {@link ResultSpool}.
 *
 * @param maxBytes      total segment bytes kept; beyond, the oldest segment is dropped, delivered or not
 * @param segmentBytes  size at which the active segment rolls; also bounds one record (header included)
 * @param fsync         when appended records are forced to disk
 * @param fsyncInterval the period of {@link FsyncPolicy#INTERVAL}; ignored by the other policies
 */
public record SpoolOptions(long maxBytes, long segmentBytes, FsyncPolicy fsync, Duration fsyncInterval) {
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_BYTES = 1024L * 1024;
    public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);
    /** Small enough for tests that roll segments after a few records; the agent config asks for 4 KiB. */
    static final long MIN_SEGMENT_BYTES = 128;
    /** A segment is one file; past 1 GiB the record offsets in a segment would need care they do not get. */
    static final long MAX_SEGMENT_BYTES = 1L << 30;

    public SpoolOptions {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(fsyncInterval, "fsyncInterval");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + ", got " + segmentBytes);
        }
        // Two segments: the bound drops whole old segments, so it must leave room for the active one.
        if (maxBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("maxBytes must hold at least two segments (2 x " + segmentBytes
                    + "), got " + maxBytes);
        }
        if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
            throw new IllegalArgumentException("fsyncInterval must be positive, got " + fsyncInterval);
        }
    }

    /** 64 MiB in segments of 1 MiB, fsync every second. */
    public static SpoolOptions defaults() {
        return new SpoolOptions(DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, FsyncPolicy.INTERVAL, DEFAULT_FSYNC_INTERVAL);
    }

    /** The largest payload one record may carry. */
    public int maxPayloadBytes() {
        return (int) (segmentBytes - RecordFormat.HEADER_BYTES);
    }
}
