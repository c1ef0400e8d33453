package io.aami.server.results;

import java.time.Duration;
import java.time.Instant;

/**
 * When a check's or probe's latest result is stale: it never came, its agent is not online, or it
 * was executed more than {@link #MISSED_INTERVALS} × interval + timeout ago. The one owner of the
 * rule: the admin API applies {@link #stale} and the Prometheus export's SQL binds
 * {@link #MISSED_INTERVALS} as a parameter and restates only {@link #judgedAt}'s {@code least}.
 *
 * <p>A result is judged by when it was <em>executed</em> (a result run long ago and delivered now,
 * from a spool that was offline for a day, says nothing about the host now), but never later than
 * when it arrived: {@code least(executed_at, received_at)}. The agent's clock can therefore only
 * make a result look older, never fresh: an agent clock a year ahead cannot keep a check fresh
 * forever. An agent clock behind by more than about one interval makes its results stale, which is
 * a fault worth seeing (its results' times are wrong too).
 */
public final class Staleness {
    /** Runs a result may miss before it is stale: one late run is jitter, two are a problem. */
    public static final int MISSED_INTERVALS = 2;

    private Staleness() {
    }

    /**
     * @param executedAt the agent's clock when the run started, null if there is no result
     * @param receivedAt the server's clock when it arrived, null if there is no result
     */
    public static boolean stale(boolean agentOnline, Instant executedAt, Instant receivedAt, int intervalSeconds,
                                int timeoutSeconds, Instant now) {
        if (!agentOnline || executedAt == null || receivedAt == null) {
            return true;
        }
        Duration allowed = Duration.ofSeconds((long) MISSED_INTERVALS * intervalSeconds + timeoutSeconds);
        return Duration.between(judgedAt(executedAt, receivedAt), now).compareTo(allowed) > 0;
    }

    /** The time a result's age counts from: its execution, bounded by its arrival (SQL: {@code least(executed_at, received_at)}). */
    public static Instant judgedAt(Instant executedAt, Instant receivedAt) {
        return executedAt.isBefore(receivedAt) ? executedAt : receivedAt;
    }

    /** A probe's timeout in whole seconds, rounded up, as the rule counts it. */
    public static int probeTimeoutSeconds(int timeoutMs) {
        return (int) Math.ceil(timeoutMs / 1000.0);
    }
}
