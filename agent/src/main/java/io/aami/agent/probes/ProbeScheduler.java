package io.aami.agent.probes;

import io.aami.agent.schedule.JobDefinition;
import io.aami.agent.schedule.PhasedScheduler;
import io.aami.agent.schedule.RunHistory;
import io.aami.agent.util.SharedTimer;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Runs the policy's probes on their intervals (same phase spreading and skip rule as checks)
 * through the one {@link ProbeEngine}, and hands every result, with its spec, to the sink (the
 * probe result spool). An invalid spec yields a result with reason {@code invalid}, never an error.
 * Slots skipped because the probe was still running are counted in {@link ProbeMetrics}. After a
 * restart an unchanged probe resumes its cadence from the {@link RunHistory}, which this scheduler closes.
 */
public final class ProbeScheduler implements AutoCloseable {
    private final String agentId;
    private final ProbeEngine engine;
    private final ProbeMetrics metrics;
    private final BiConsumer<ProbeSpec, ProbeResult> sink;
    private final Clock clock;
    private final PhasedScheduler<ProbeSpec> scheduler;

    public ProbeScheduler(String agentId, ProbeEngine engine, ProbeMetrics metrics, BiConsumer<ProbeSpec, ProbeResult> sink,
                          Clock clock, RunHistory history) {
        this(agentId, engine, metrics, sink, clock, history, null);
    }

    /** The same, its slots timed on {@code timer}'s thread (null: a thread of its own). */
    public ProbeScheduler(String agentId, ProbeEngine engine, ProbeMetrics metrics, BiConsumer<ProbeSpec, ProbeResult> sink,
                          Clock clock, RunHistory history, SharedTimer timer) {
        this.agentId = agentId;
        this.engine = engine;
        this.metrics = metrics;
        this.sink = sink;
        this.clock = clock;
        this.scheduler = new PhasedScheduler<>("probes", clock, (key, spec) -> run(key, spec), metrics.skipListener(),
                history, ProbeScheduler::canonical, timer);
    }

    /** Replaces the running probes; unchanged ones keep their phase. */
    public void apply(List<ProbeSpec> probes) {
        Map<String, JobDefinition<ProbeSpec>> jobs = new LinkedHashMap<>();
        for (ProbeSpec p : probes) {
            String key = key(p);
            jobs.put(key, new JobDefinition<>(Duration.ofSeconds(Math.max(ProbeLimits.MIN_INTERVAL_SECONDS, p.intervalSeconds())), agentId + "/" + key, p));
        }
        scheduler.apply(jobs);
    }

    private CompletableFuture<?> run(String key, ProbeSpec spec) {
        ProbeTask task = ValidatedProbes.toTask(spec, taskId(spec));
        CompletableFuture<ProbeResult> result;
        try {
            result = engine.submit(ValidatedProbes.from(task));
        } catch (InvalidProbeException e) {
            result = CompletableFuture.completedFuture(ValidatedProbes.invalidResult(task, clock));
        }
        return result.thenAccept(r -> {
            metrics.recordTaskResult(task.taskId(), r);
            sink.accept(spec, r);
        });
    }

    /** The probe as the policy's signed canonical form writes it: see {@code CheckScheduler.canonical}. */
    static byte[] canonical(ProbeSpec probe) {
        return PolicyCanonicalForm.canonical(new PolicyBundle(0, null, null, null, List.of(), List.of(probe), null, null));
    }

    /** Identity of a scheduled probe: one per policy probe and destination. */
    static String key(ProbeSpec p) {
        return p.probeId() + "/" + (p.destinationTargetId() != null ? p.destinationTargetId() : p.target());
    }

    /** The readable task id scheduled probes carry on the local /metrics: name@destination:port. */
    static String taskId(ProbeSpec p) {
        return p.name() + "@" + p.target() + ":" + p.targetPort();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
