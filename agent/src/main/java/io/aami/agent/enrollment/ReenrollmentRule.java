package io.aami.agent.enrollment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the server's rejections of the credential justify enrolling again. Enrolling hands the
 * bootstrap token and the agent token to whoever answers and replaces the agent's certificate, so
 * one 401 (from a forged server without TLS, a misrouted proxy, a replica in trouble) must not be
 * enough: it takes {@link #REJECTIONS} rejections in a row, with no accepted request between them,
 * spread over at least {@code spread}. Locally known reasons (the certificate's notAfter has passed
 * by this host's clock) do not go through this rule.
 */
public final class ReenrollmentRule {
    /** Consecutive rejections needed, besides the time they must span. */
    public static final int REJECTIONS = 3;

    private final Duration spread;
    private final Clock clock;
    private Instant first;
    private int count;

    public ReenrollmentRule(Duration spread, Clock clock) {
        this.spread = spread;
        this.clock = clock;
    }

    /** Records a rejection; true when enrolling again is now justified (the count then starts over). */
    public synchronized boolean rejected() {
        Instant now = clock.instant();
        if (count == 0) {
            first = now;
        }
        count++;
        if (count >= REJECTIONS && !now.isBefore(first.plus(spread))) {
            count = 0;
            return true;
        }
        return false;
    }

    /** The server accepted the credential: earlier rejections no longer count. */
    public synchronized void accepted() {
        count = 0;
    }

    /** What is still missing, for the log. */
    public synchronized String progress() {
        return count + " of " + REJECTIONS + " consecutive rejections, over at least " + spread;
    }
}
