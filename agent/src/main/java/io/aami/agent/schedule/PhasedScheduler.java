package io.aami.agent.schedule;

import io.aami.agent.util.SharedTimer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs named periodic jobs, each at its own stable phase: job {@code key} runs at the wall-clock
 * instants {@code phase + k·interval} of the injected {@link Clock}, where the phase is a hash of the
 * job's seed (see {@link Phases}). The same seed and interval give the same slots across restarts.
 *
 * <ul>
 *   <li>A job that appears (at the first {@link #apply}, or added or changed later) does not wait for
 *       its phase: it first runs within {@link Phases#FIRST_RUN_SPREAD} (5 s), at an offset hashed
 *       from its seed, then on its phased slots.</li>
 *   <li>Except after a restart: a job the {@link RunHistory} saw start under the same definition
 *       ({@link JobFingerprint}) resumes its cadence, at the slot it would have had had the process
 *       kept running (an overdue one within {@link Phases#OVERDUE_SPREAD}); see
 *       {@link Phases#startSlotMillis}. Every start is recorded there.</li>
 *   <li>A job still running when its next slot comes has that slot skipped and reported to the
 *       {@link SkipListener}; runs are never stacked or queued.</li>
 *   <li>{@link #apply} hot-reloads the job set: removed jobs get no further slots (a run in flight
 *       finishes and is not interrupted); a job whose definition changed ({@code equals}) is
 *       rescheduled on the new definition, and its run in flight, if any, still counts as running so
 *       the same key never runs twice at once; unchanged jobs keep their schedule untouched.</li>
 *   <li>One timer thread, its own or a {@link SharedTimer}'s; {@link #close} cancels every slot, stops its
 *       use of the thread and closes the history (its last write). Runs in flight belong to the runner (and
 *       its executor), which the owner closes.</li>
 * </ul>
 */
public final class PhasedScheduler<S> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhasedScheduler.class);

    private final String name;
    private final Clock clock;
    private final JobRunner<S> runner;
    private final SkipListener skipListener;
    private final RunHistory history;
    private final Function<? super S, byte[]> canonicalSpec;
    private final SharedTimer ownTimer;
    private final SharedTimer.Lease timer;
    private final Object lock = new Object();
    private final Map<String, ScheduledJob<S>> jobs = new HashMap<>();
    private boolean closed;

    /**
     * A scheduler whose history is forgotten when the process ends: every job is new after a restart.
     *
     * @param name         names the timer thread and log lines, e.g. "checks"
     * @param clock        wall clock the slots are aligned to
     * @param runner       starts one run; called on the timer thread, must not block
     * @param skipListener told about every skipped slot
     */
    public PhasedScheduler(String name, Clock clock, JobRunner<S> runner, SkipListener skipListener) {
        this(name, clock, runner, skipListener, RunHistory.inMemory(),
                spec -> String.valueOf(spec).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A scheduler that resumes its jobs' cadence from {@code history} after a restart, and owns it.
     *
     * @param canonicalSpec a spec's bytes, equal exactly when the specs are equal and the same in every
     *                      build of the agent (see {@link JobFingerprint})
     */
    public PhasedScheduler(String name, Clock clock, JobRunner<S> runner, SkipListener skipListener,
                           RunHistory history, Function<? super S, byte[]> canonicalSpec) {
        this(name, clock, runner, skipListener, history, canonicalSpec, null);
    }

    /**
     * The same on {@code shared}'s thread, or on a timer thread of its own ({@code aami-<name>-timer}) when
     * {@code shared} is null.
     */
    public PhasedScheduler(String name, Clock clock, JobRunner<S> runner, SkipListener skipListener,
                           RunHistory history, Function<? super S, byte[]> canonicalSpec, SharedTimer shared) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.skipListener = Objects.requireNonNull(skipListener, "skipListener");
        this.history = Objects.requireNonNull(history, "history");
        this.canonicalSpec = Objects.requireNonNull(canonicalSpec, "canonicalSpec");
        this.ownTimer = shared == null ? new SharedTimer("aami-" + name + "-timer") : null;
        this.timer = (shared == null ? ownTimer : shared).lease();
    }

    /** Replaces the job set with {@code definitions} (key → definition); see the class comment. */
    public void apply(Map<String, JobDefinition<S>> definitions) {
        requireValid(definitions);
        int added = 0;
        int changed = 0;
        int removed;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("scheduler " + name + " is closed");
            }
            removed = removeAbsent(definitions.keySet());
            history.retain(definitions.keySet());
            for (var entry : definitions.entrySet()) {
                ScheduledJob<S> existing = jobs.get(entry.getKey());
                if (existing == null) {
                    schedule(entry.getKey(), entry.getValue(), null);
                    added++;
                } else if (!existing.definition.equals(entry.getValue())) {
                    schedule(entry.getKey(), entry.getValue(), existing);
                    changed++;
                }
            }
        }
        if (added + changed + removed > 0) {
            LOG.info("{} schedule updated: {} jobs ({} added, {} changed, {} removed)",
                    name, definitions.size(), added, changed, removed);
        }
    }

    /**
     * Schedules a job this process has not run under {@code definition}: one replacing {@code existing}
     * (changed) starts as new; one not scheduled yet resumes from the history if it knows it. Must hold the lock.
     */
    private void schedule(String key, JobDefinition<S> definition, ScheduledJob<S> existing) {
        ScheduledJob<S> job = new ScheduledJob<>(key, definition, JobFingerprint.of(definition, canonicalSpec));
        OptionalLong lastStart = OptionalLong.empty();
        if (existing != null) {
            existing.cancel();
            job.inFlight = existing.inFlight;
        } else {
            lastStart = history.lastStart(key, job.fingerprint);
        }
        jobs.put(key, job);
        long now = clock.millis();
        arm(job, job.startSlot(now, lastStart), now);
    }

    /** When the job's next slot is, if the job is scheduled. */
    public Optional<Instant> nextRun(String key) {
        synchronized (lock) {
            ScheduledJob<S> job = jobs.get(key);
            return job == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(job.nextSlotMs));
        }
    }

    /** The keys currently scheduled, sorted. */
    public Set<String> keys() {
        synchronized (lock) {
            return new TreeSet<>(jobs.keySet());
        }
    }

    /** Stops scheduling: no slot fires after this returns (a run in flight is left to its runner). */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            jobs.values().forEach(ScheduledJob::cancel);
            jobs.clear();
        }
        timer.close();
        if (ownTimer != null) {
            ownTimer.close();
        }
        history.close();
    }

    /** The job object currently scheduled under {@code key}; lets tests see that an unchanged job was kept. */
    Object jobIdentity(String key) {
        synchronized (lock) {
            return jobs.get(key);
        }
    }

    private static <S> void requireValid(Map<String, JobDefinition<S>> definitions) {
        Objects.requireNonNull(definitions, "definitions");
        definitions.forEach((key, definition) -> {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("job keys must not be blank");
            }
            Objects.requireNonNull(definition, () -> "definition of job " + key);
        });
    }

    /** Cancels the jobs whose key is not in {@code keep}; must hold the lock. Returns how many. */
    private int removeAbsent(Set<String> keep) {
        int removed = 0;
        for (var it = jobs.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!keep.contains(entry.getKey())) {
                entry.getValue().cancel();
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    private void fire(ScheduledJob<S> job) {
        synchronized (lock) {
            if (job.cancelled || closed) {
                return;
            }
            if (job.running()) {
                reportSkip(job.key);
            } else {
                // The slot, or now if the wall clock has stepped back since it was armed: never a start in the future.
                history.started(job.key, job.fingerprint, Math.min(job.nextSlotMs, clock.millis()), job.catchingUp);
                job.catchingUp = false;
                job.inFlight = start(job);
            }
            long now = clock.millis();
            // Counted from the slot that fired, not from now: the timer may fire a little before the wall
            // clock reaches that slot, and the slot must not run twice.
            arm(job, job.slotAfterCurrent(now), now);
        }
    }

    /** Arms the timer for {@code slot} (epoch millis of the injected clock); must hold the lock. */
    private void arm(ScheduledJob<S> job, long slot, long now) {
        job.nextSlotMs = slot;
        job.timer = timer.schedule(() -> fire(job), Math.max(0, slot - now), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<?> start(ScheduledJob<S> job) {
        try {
            CompletableFuture<?> run = Objects.requireNonNull(runner.start(job.key, job.definition.spec()),
                    "runner returned no future");
            run.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warn("{} job {} failed: {}", name, job.key, failure.toString());
                }
            });
            return run;
        } catch (RuntimeException e) {
            LOG.error("{} job {} could not be started: {}", name, job.key, e.toString());
            return CompletableFuture.completedFuture(null);
        }
    }

    private void reportSkip(String key) {
        LOG.info("{} job {} is still running at its next slot; slot skipped", name, key);
        try {
            skipListener.skipped(key);
        } catch (RuntimeException e) {
            LOG.error("{} skip listener failed for {}: {}", name, key, e.toString());
        }
    }
}
