package io.aami.agent.localresults;

import io.aami.agent.checks.CheckExecution;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * How much posted results the agent takes: two token buckets, {@link #BURST} results refilled at
 * {@link #PER_SECOND} a second, and {@link #BYTE_BURST} bytes refilled at {@link #BYTES_PER_SECOND}. A
 * result costs its output's UTF-8 bytes (after the cut to {@code checks.output_max_bytes}) plus
 * {@link #RESULT_OVERHEAD_BYTES} for its other fields. The local API answers any local program (on
 * loopback, without a token), so without a bound an unprivileged user could flood the spool, the
 * server's history and the network: counting results alone let 64 KiB outputs through at 50 a second.
 * Cron jobs and scripts post far less than this; a refused batch takes nothing from either bucket and
 * may be retried after {@link #secondsUntil}.
 */
final class SubmissionBudget {
    static final int BURST = 1_000;
    static final int PER_SECOND = 50;
    static final long BYTE_BURST = 8L * 1024 * 1024;
    static final long BYTES_PER_SECOND = 128L * 1024;
    static final int RESULT_OVERHEAD_BYTES = 256;

    /** Which bucket refused a batch. */
    enum Limit { RESULTS, BYTES }

    private final Clock clock;
    private double tokens = BURST;
    private double byteTokens = BYTE_BURST;
    private long lastNanos;

    SubmissionBudget(Clock clock) {
        this.clock = clock;
        this.lastNanos = nanos();
    }

    /** What {@code runs} cost the byte bucket. */
    static long bytes(List<CheckExecution> runs) {
        long total = 0;
        for (CheckExecution run : runs) {
            total += RESULT_OVERHEAD_BYTES + run.output().getBytes(StandardCharsets.UTF_8).length;
        }
        return total;
    }

    /** The bucket that would refuse even one result of no output now (the body need not be read), or null. */
    synchronized Limit exhausted() {
        refill();
        return tokens < 1 ? Limit.RESULTS : byteTokens < RESULT_OVERHEAD_BYTES ? Limit.BYTES : null;
    }

    /** Takes {@code n} results and {@code bytes} when both buckets hold that much and returns null; else takes nothing. */
    synchronized Limit tryTake(int n, long bytes) {
        refill();
        if (tokens < n) {
            return Limit.RESULTS;
        }
        if (byteTokens < bytes) {
            return Limit.BYTES;
        }
        tokens -= n;
        byteTokens -= bytes;
        return null;
    }

    /** Returns what {@link #tryTake} took for a batch that was then not spooled. */
    synchronized void giveBack(int n, long bytes) {
        tokens = Math.min(BURST, tokens + n);
        byteTokens = Math.min(BYTE_BURST, byteTokens + bytes);
    }

    /** Whole seconds until {@code n} results of {@code bytes} would be taken (at least 1). */
    synchronized long secondsUntil(int n, long bytes) {
        refill();
        double results = Math.max(0, n - tokens) / PER_SECOND;
        double octets = Math.max(0, bytes - byteTokens) / BYTES_PER_SECOND;
        return Math.max(1, (long) Math.ceil(Math.max(results, octets)));
    }

    private void refill() {
        long now = nanos();
        double seconds = Math.max(0, now - lastNanos) / 1e9;
        lastNanos = now;
        tokens = Math.min(BURST, tokens + seconds * PER_SECOND);
        byteTokens = Math.min(BYTE_BURST, byteTokens + seconds * BYTES_PER_SECOND);
    }

    private long nanos() {
        return clock.millis() * 1_000_000L;
    }
}
