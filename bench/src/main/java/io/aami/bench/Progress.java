package io.aami.bench;

import java.time.Duration;

/**
 * A phase that may take long but must not stall: fails once {@code stall} passes without its count passing its best so
 * far (the parked polls' gauge dips while polls are renewed, so a mere change is no progress). The first
 * fetches and the parking of 50,000 agents take minutes here, so {@code policy --timeout} bounds a stall of either
 * rather than the whole.
 */
final class Progress {
    private final Duration stall;
    private final String what;
    private final long total;
    private long best = -1;
    private long since = System.nanoTime();

    Progress(Duration stall, String what, long total) {
        this.stall = stall;
        this.what = what;
        this.total = total;
    }

    /** Notes {@code count} done so far; throws when it has not passed its best for {@code stall}. */
    void check(long count) {
        long now = System.nanoTime();
        if (count > best) {
            best = count;
            since = now;
        } else if (now - since > stall.toNanos()) {
            throw new IllegalStateException(what + ": " + best + " of " + total + " at best, none more for " + stall.toSeconds() + " s");
        }
    }
}
