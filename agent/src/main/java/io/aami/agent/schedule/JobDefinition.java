package io.aami.agent.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link PhasedScheduler} runs under one key: every {@code interval}, at a phase derived from
 * {@code phaseSeed}, the scheduler's runner is started with {@code spec}.
 *
 * <p>A plain value: hot reload compares definitions with {@code equals}, so {@code spec} should be a
 * value type too (a record such as a check or probe spec), never a lambda.
 *
 * @param interval  time between runs, at least one second
 * @param phaseSeed stable text the phase is hashed from, e.g. agent id plus job key
 * @param spec      what to run, handed to the runner unchanged
 */
public record JobDefinition<S>(Duration interval, String phaseSeed, S spec) {
    /** Below one second the phase spreading stops meaning anything and a bad policy could spin the agent. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    public JobDefinition {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(phaseSeed, "phaseSeed");
        Objects.requireNonNull(spec, "spec");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval must be at least 1s, got " + interval);
        }
        if (interval.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("interval must be whole milliseconds, got " + interval);
        }
    }
}
