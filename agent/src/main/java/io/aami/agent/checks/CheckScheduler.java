package io.aami.agent.checks;

import io.aami.agent.processes.ProcessCheck;
import io.aami.agent.schedule.JobDefinition;
import io.aami.agent.schedule.PhasedScheduler;
import io.aami.agent.schedule.RunHistory;
import io.aami.agent.util.SharedTimer;
import io.aami.common.concurrent.DaemonThreads;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.contract.checks.CheckKinds;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the policy's checks on their phased schedule and hands every outcome to the {@link ExecutionSink}.
 *
 * <ul>
 *   <li>Each check runs every {@code interval_seconds} at a phase hashed from agent id and check id,
 *       so a fleet spreads its runs over the interval; a restart keeps the slots. A new or changed
 *       check first runs within 5 s, then on its slots; after a restart an unchanged check resumes
 *       its cadence from the {@link RunHistory} (see PhasedScheduler).</li>
 *   <li>A process check ({@code kind: process}) is run by {@link ProcessCheckRun} in the agent itself; a
 *       passive check ({@code kind: passive}) is not scheduled (local programs send its results).</li>
 *   <li>At most {@code maxConcurrent} checks execute at once. A check waiting for a permit counts as
 *       running, so its next slots are skipped (and counted) rather than queued.</li>
 *   <li>{@link #apply} hot-reloads: unchanged checks keep their schedule, changed ones restart on the
 *       new spec, removed ones stop (a run in flight finishes and its result is still delivered); script
 *       files no check uses any more are deleted.</li>
 *   <li>{@link #close} stops scheduling, interrupts running checks (their processes are killed, no
 *       result is delivered for them) and waits for the workers.</li>
 * </ul>
 * Metrics go to {@link CheckMetrics}.
 */
public final class CheckScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    private static final Duration WORKER_IDLE = Duration.ofSeconds(2);

    private final String agentId;
    private final ScriptExecutor executor;
    private final ProcessCheckRun processes;
    private final ExecutionSink sink;
    private final CheckMetrics metrics;
    private final Semaphore permits;
    private final ExecutorService workers;
    private final PhasedScheduler<CheckSpec> scheduler;

    /**
     * @param agentId       seeds the phases, so each agent spreads differently but keeps its slots
     * @param maxConcurrent most scripts executing at once, at least 1
     * @param history       when each check last started, across restarts; closed with this scheduler
     */
    public CheckScheduler(String agentId, ScriptExecutor executor, int maxConcurrent, ExecutionSink sink,
                          CheckMetrics metrics, Clock clock, RunHistory history) {
        this(agentId, executor, maxConcurrent, sink, metrics, clock, history, null);
    }

    /** The same, its slots timed on {@code timer}'s thread (null: a thread of its own). */
    public CheckScheduler(String agentId, ScriptExecutor executor, int maxConcurrent, ExecutionSink sink,
                          CheckMetrics metrics, Clock clock, RunHistory history, SharedTimer timer) {
        this(agentId, executor, new ProcessCheckRun(ProcessCheck.system(), clock), maxConcurrent, sink, metrics, clock,
                history, timer);
    }

    /** The same, process checks run by {@code processes}. */
    public CheckScheduler(String agentId, ScriptExecutor executor, ProcessCheckRun processes, int maxConcurrent,
                          ExecutionSink sink, CheckMetrics metrics, Clock clock, RunHistory history, SharedTimer timer) {
        if (agentId == null || agentId.isBlank()) {
            throw new IllegalArgumentException("agentId must not be blank");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        this.agentId = agentId;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.processes = Objects.requireNonNull(processes, "processes");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        metrics.containmentMode(executor.containmentMode());
        this.permits = new Semaphore(maxConcurrent, true);
        // Unbounded but in practice at most one thread per check: a check never has two runs in flight. An idle
        // worker ends after WORKER_IDLE (a cached pool's minute kept ~20 idle threads with 50 checks; issue 14).
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, WORKER_IDLE.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), DaemonThreads.factory("aami-check"));
        this.scheduler = new PhasedScheduler<>("checks", clock, this::start, metrics.skipListener(), history,
                CheckScheduler::canonical, timer);
    }

    /**
     * Replaces the running checks with {@code checks}. Validates all of them first and changes nothing
     * when one is invalid.
     *
     * @throws IllegalArgumentException naming the check and field at fault
     */
    public void apply(List<CheckSpec> checks) {
        Map<String, JobDefinition<CheckSpec>> jobs = new LinkedHashMap<>();
        List<CheckSpec> specs = CheckSpecs.normalizeAll(checks);
        for (CheckSpec spec : specs) {
            if (CheckKinds.PASSIVE.equals(spec.kind())) {
                continue; // nothing to run: its results come from local programs (localresults)
            }
            String key = spec.checkId().toString();
            jobs.put(key, new JobDefinition<>(Duration.ofSeconds(spec.intervalSeconds()), agentId + "/" + key, spec));
        }
        scheduler.apply(jobs);
        metrics.scheduledChecks(jobs.size());
        executor.retainScriptsOf(specs.stream().filter(c -> c.kind() == null).toList());
    }

    /** How many checks are scheduled. */
    public int scheduledChecks() {
        return scheduler.keys().size();
    }

    @Override
    public void close() {
        scheduler.close();
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("check workers did not stop within {}", CLOSE_WAIT);
            } else {
                executor.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.scheduledChecks(0);
    }

    /**
     * The check as the policy's signed canonical form writes it (alone in an otherwise empty bundle):
     * equal for equal checks and the same in every agent build, so an upgrade keeps the checks' cadence.
     */
    static byte[] canonical(CheckSpec check) {
        return PolicyCanonicalForm.canonical(new PolicyBundle(0, null, null, null, List.of(check), List.of(), null, null));
    }

    private CompletableFuture<?> start(String key, CheckSpec spec) {
        return CompletableFuture.runAsync(() -> runWithPermit(spec), workers);
    }

    private void runWithPermit(CheckSpec spec) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            CheckExecution execution = CheckKinds.PROCESS.equals(spec.kind()) ? processes.execute(spec)
                    : executor.execute(spec);
            metrics.recordRun(execution);
            deliver(execution);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("check {} abandoned: the agent is stopping", spec.checkId());
        } finally {
            permits.release();
        }
    }

    private void deliver(CheckExecution execution) {
        try {
            sink.accept(execution);
        } catch (RuntimeException e) {
            LOG.error("check {} result could not be stored and is lost: {}", execution.checkId(), e.toString());
        }
    }
}
