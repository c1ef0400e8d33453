package io.aami.agent.policy;

import io.aami.agent.util.StopSignal;
import java.time.Duration;

/**
 * Stops the running bundle when it expires: looks at the gate's clock every second at most (and at
 * the expiry itself when that is sooner), so a bundle the server can no longer re-sign stops within
 * a second of its {@code expires_at} even while the policy long poll is blocked.
 */
public final class ExpiryTimer implements Runnable {
    private static final Duration TICK = Duration.ofSeconds(1);

    private final PolicyGate gate;
    private final StopSignal stop;

    public ExpiryTimer(PolicyGate gate, StopSignal stop) {
        this.gate = gate;
        this.stop = stop;
    }

    @Override
    public void run() {
        do {
            gate.expireIfDue();
        } while (!stop.await(next()));
    }

    private Duration next() {
        Duration left = gate.untilExpiry();
        return left.isZero() || left.compareTo(TICK) > 0 ? TICK : left;
    }
}
