package io.aami.server.results;

import java.time.Duration;
import java.time.Instant;

/**
 * When a check's or probe's latest result is stale: its agent is not online, or nothing arrived within
 * {@link #MISSED_INTERVALS} × interval + timeout. The one owner of the rule: the admin API applies
 * {@link #stale} and the Prometheus export's SQL receives {@link #MISSED_INTERVALS} as a parameter
 * instead of restating it.
 */
public final class Staleness {
    /** Runs a result may miss before it is stale: one late run is jitter, two are a problem. */
    public static final int MISSED_INTERVALS = 2;

    private Staleness() {
    }

    public static boolean stale(boolean agentOnline, Instant lastReceived, int intervalSeconds, int timeoutSeconds, Instant now) {
        Duration allowed = Duration.ofSeconds((long) MISSED_INTERVALS * intervalSeconds + timeoutSeconds);
        return !agentOnline || lastReceived == null || Duration.between(lastReceived, now).compareTo(allowed) > 0;
    }

    /** A probe's timeout in whole seconds, rounded up, as the rule counts it. */
    public static int probeTimeoutSeconds(int timeoutMs) {
        return (int) Math.ceil(timeoutMs / 1000.0);
    }
}
