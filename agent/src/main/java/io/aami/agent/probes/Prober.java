package io.aami.agent.probes;

import java.nio.channels.Selector;

/**
 * One protocol's probe steps, called only on the engine's loop thread. Each step either ends the
 * attempt (returns an {@link Outcome}) or leaves it waiting on the selector (returns null).
 * Network failures are outcomes, never exceptions; the engine closes {@link ProbeAttempt#channel}.
 */
interface Prober {
    /** Opens, binds and connects (and for UDP sends); the target is {@link ProbeAttempt#target}. */
    Outcome start(ProbeAttempt attempt, Selector selector);

    /** The attempt's channel is ready. */
    Outcome ready(ProbeAttempt attempt);

    /** The deadline passed while waiting on the network. */
    Outcome expired(ProbeAttempt attempt);
}
