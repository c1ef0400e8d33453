package io.aami.agent.retry;

import io.aami.agent.transport.TransportException;
import io.aami.agent.util.Backoff;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The retry rhythm of one agent loop: capped exponential backoff with full jitter (see {@link Backoff}),
 * chosen by what the failure was ({@link Failure}). The server's {@code Retry-After} is honoured up to
 * the loop's cap: the operator's cap is the longest any answer may silence the agent, so a hostile or
 * broken server cannot park a loop for days with one header. A permanent refusal waits about the cap,
 * since retrying sooner cannot change it.
 */
public final class Retry {
    private final Backoff backoff;
    private final Duration cap;

    public Retry(Duration base, Duration cap, RandomGenerator random) {
        this.backoff = new Backoff(base, cap, random);
        this.cap = cap;
    }

    /** How long to wait after {@code e}, classified as {@code failure}. */
    public Duration after(Failure failure, TransportException e) {
        return switch (failure) {
            case RETRY_AFTER -> bounded(e.retryAfter());
            case TRANSIENT -> backoff.next();
            case CREDENTIAL_REJECTED -> e.retryAfter() != null ? bounded(e.retryAfter()) : backoff.next();
            case PERMANENT -> backoff.atCap();
        };
    }

    /** {@link #after(Failure, TransportException)} for a failure classified here. */
    public Duration after(TransportException e) {
        return after(Failure.of(e), e);
    }

    /** The next jittered wait, for failures that are not a server answer (no credential yet, an unexpected error). */
    public Duration next() {
        return backoff.next();
    }

    /** About the cap, for failures that will not fix themselves soon. */
    public Duration atCap() {
        return backoff.atCap();
    }

    /** A call succeeded: the next failure starts from the base again. */
    public void reset() {
        backoff.reset();
    }

    private Duration bounded(Duration retryAfter) {
        return retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
    }
}
