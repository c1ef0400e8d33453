package io.aami.agent.localresults;

import java.time.Clock;

/**
 * How many posted results the agent takes: a token bucket of {@link #BURST} results refilled at
 * {@link #PER_SECOND} a second. The local API answers any local program (on loopback, without a
 * token), so without a bound an unprivileged user could fill the spool with junk until the agent's own
 * results were dropped, and flood the server's history. Cron jobs and scripts post far less than this;
 * a refused batch takes nothing from the bucket and may be retried after {@link #secondsUntil}.
 */
final class SubmissionBudget {
    static final int BURST = 1_000;
    static final int PER_SECOND = 50;

    private final Clock clock;
    private double tokens = BURST;
    private long lastNanos;

    SubmissionBudget(Clock clock) {
        this.clock = clock;
        this.lastNanos = nanos();
    }

    /** Takes {@code n} results' worth when the bucket holds that many; otherwise takes nothing. */
    synchronized boolean tryTake(int n) {
        refill();
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Whole seconds until {@code n} results would be taken (at least 1). */
    synchronized long secondsUntil(int n) {
        refill();
        double missing = Math.max(0, n - tokens);
        return Math.max(1, (long) Math.ceil(missing / PER_SECOND));
    }

    private void refill() {
        long now = nanos();
        long elapsed = Math.max(0, now - lastNanos);
        lastNanos = now;
        tokens = Math.min(BURST, tokens + elapsed / 1e9 * PER_SECOND);
    }

    private long nanos() {
        return clock.millis() * 1_000_000L;
    }
}
