package io.aami.agent.schedule;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** One job as {@link PhasedScheduler} holds it; every mutable field is guarded by the scheduler's lock. */
final class ScheduledJob<S> {
    final String key;
    final JobDefinition<S> definition;
    final long intervalMs;
    final long phaseMs;
    /** The definition's {@link JobFingerprint}, under which its starts are recorded. */
    final String fingerprint;
    CompletableFuture<?> inFlight;
    ScheduledFuture<?> timer;
    long nextSlotMs;
    boolean cancelled;
    /** Whether the next start catches up (new, changed or overdue) and should be recorded soon. */
    boolean catchingUp;

    ScheduledJob(String key, JobDefinition<S> definition, String fingerprint) {
        this.key = key;
        this.definition = definition;
        this.fingerprint = fingerprint;
        this.intervalMs = definition.interval().toMillis();
        this.phaseMs = Phases.phaseMillis(definition.phaseSeed(), definition.interval());
    }

    /**
     * The slot a job that has just appeared runs first: resumed from {@code lastStart} (its start in an
     * earlier process, if known), else within {@link Phases#FIRST_RUN_SPREAD}. See {@link Phases#startSlotMillis}.
     */
    long startSlot(long nowMs, OptionalLong lastStart) {
        catchingUp = Phases.catchingUp(lastStart, nowMs, intervalMs);
        return Phases.startSlotMillis(lastStart, nowMs, definition.phaseSeed(), phaseMs, intervalMs);
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
