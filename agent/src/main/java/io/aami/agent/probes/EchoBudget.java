package io.aami.agent.probes;

import io.aami.contract.probes.IcmpProbeRules;
import java.time.Clock;
import java.util.List;

/**
 * How many ICMP echoes the local API sends for its callers: a token bucket of {@link #BURST} echoes refilled at
 * {@link #PER_SECOND} a second. An ICMP task may ask for up to 100 echoes 10 ms apart and a call for 10,000 tasks, so
 * without a bound any local program (the API needs no token on loopback) could make this root-run agent send a
 * million echoes a second from its raw sockets, where an unprivileged {@code ping} is held to 500 a second. A call's
 * echoes are taken whole or not at all: a refused call takes nothing and may be retried after {@link #secondsUntil}.
 * Scheduled probes come from the signed policy and are not counted.
 */
final class EchoBudget {
    static final int BURST = 10_000;
    static final int PER_SECOND = 1_000;

    private final Clock clock;
    private double tokens = BURST;
    private long lastMillis;

    EchoBudget(Clock clock) {
        this.clock = clock;
        this.lastMillis = clock.millis();
    }

    /** The echoes {@code probes} would send: each ICMP probe's count, nothing for the others. */
    static long echoes(List<ValidatedProbe> probes) {
        long total = 0;
        for (ValidatedProbe p : probes) {
            total += p.icmp() == null ? 0 : p.icmp().count() == null ? IcmpProbeRules.DEFAULT_COUNT : p.icmp().count();
        }
        return total;
    }

    /** Takes {@code n} echoes and returns true when the bucket holds that many; else takes nothing. */
    synchronized boolean tryTake(long n) {
        refill();
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Returns what {@link #tryTake} took for a call that then sent nothing. */
    synchronized void giveBack(long n) {
        tokens = Math.min(BURST, tokens + n);
    }

    /** Whole seconds until {@code n} echoes would be taken (at least 1). */
    synchronized long secondsUntil(long n) {
        refill();
        return Math.max(1, (long) Math.ceil(Math.max(0, n - tokens) / PER_SECOND));
    }

    private void refill() {
        long now = clock.millis();
        tokens = Math.min(BURST, tokens + Math.max(0, now - lastMillis) * PER_SECOND / 1000.0);
        lastMillis = now;
    }
}
