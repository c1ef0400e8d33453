package io.aami.agent.util;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter (a random wait between 0 and min(cap, base·2^n)),
 * so a fleet that lost its server does not come back in lock-step.
 */
public final class Backoff {
    private static final long FLOOR_MS = 50;

    private final long baseMs;
    private final long capMs;
    private final RandomGenerator random;
    private int attempt;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.baseMs = base.toMillis();
        this.capMs = cap.toMillis();
        this.random = random;
    }

    /** The wait before the next retry; each call widens the window up to the cap. */
    public Duration next() {
        long ceiling = Math.min(capMs, baseMs << Math.min(attempt, 30));
        attempt++;
        return Duration.ofMillis(Math.max(FLOOR_MS, random.nextLong(ceiling + 1)));
    }

    /** The widest window, for failures that will not fix themselves soon (bad token, revoked). */
    public Duration atCap() {
        attempt = 31;
        return Duration.ofMillis(Math.max(FLOOR_MS, capMs / 2 + random.nextLong(capMs / 2 + 1)));
    }

    public void reset() {
        attempt = 0;
    }
}
