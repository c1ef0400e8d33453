package io.aami.agent.schedule;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** One job as {@link PhasedScheduler} holds it; every mutable field is guarded by the scheduler's lock. */
final class ScheduledJob<S> {
    final String key;
    final JobDefinition<S> definition;
    final long intervalMs;
    final long phaseMs;
    CompletableFuture<?> inFlight;
    ScheduledFuture<?> timer;
    long nextSlotMs;
    boolean cancelled;

    ScheduledJob(String key, JobDefinition<S> definition) {
        this.key = key;
        this.definition = definition;
        this.intervalMs = definition.interval().toMillis();
        this.phaseMs = Phases.phaseMillis(definition.phaseSeed(), definition.interval());
    }

    /** The slot a job that has just appeared runs first: within {@link Phases#FIRST_RUN_SPREAD}. */
    long firstSlot(long nowMs) {
        return Phases.firstSlotMillis(nowMs, definition.phaseSeed(), phaseMs, intervalMs);
    }

    /** The slot after the one that has just fired ({@link #nextSlotMs}). */
    long slotAfterCurrent(long nowMs) {
        return Phases.slotAfterMillis(nextSlotMs, nowMs, phaseMs, intervalMs);
    }

    boolean running() {
        return inFlight != null && !inFlight.isDone();
    }

    void cancel() {
        cancelled = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
