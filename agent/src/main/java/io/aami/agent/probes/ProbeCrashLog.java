package io.aami.agent.probes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs probes a prober threw on, at most one line per {@link #INTERVAL_NANOS} and without a stack trace: any local
 * user can make them (an IPv6 target on an IPv4-only JVM throws UnsupportedOperationException from
 * {@code SocketChannel.open}) 10,000 at a time, and must not be able to flood the log with them. Loop thread only.
 */
final class ProbeCrashLog {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);
    static final long INTERVAL_NANOS = 60_000_000_000L;

    private long lastNanos;
    private boolean logged;
    private int suppressed;

    void crashed(ProbeAttempt a, String step, RuntimeException e) {
        long now = System.nanoTime();
        if (logged && now - lastNanos < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        LOG.warn("probe of {}:{} failed in {}: {}{}", a.probe.target(), a.probe.targetPort(), step, e,
                suppressed == 0 ? "" : " (" + suppressed + " more such probes not logged)");
        logged = true;
        lastNanos = now;
        suppressed = 0;
    }
}
