package io.aami.agent.checks;

import io.aami.agent.schedule.SkipListener;
import io.aami.contract.checks.CheckStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Check execution metrics. No per-check labels, so cardinality stays fixed however many checks run.
 * <ul>
 *   <li>{@code aami_agent_checks_run_total{status="ok|warning|critical|unknown"}} finished runs</li>
 *   <li>{@code aami_agent_checks_skipped_total} slots skipped because the check was still running
 *       (or still waiting for an execution permit)</li>
 *   <li>{@code aami_agent_checks_timed_out_total} runs killed at their timeout</li>
 *   <li>{@code aami_agent_checks_refused_total{reason="interpreter|script_digest|forbidden_env|local_policy|start_failed"}}
 *       runs the agent did not start (also counted as unknown runs); {@code forbidden_env} means a signed
 *       policy carried a loader or interpreter hook in a check's env</li>
 *   <li>{@code aami_agent_check_duration_seconds} histogram of run durations</li>
 *   <li>{@code aami_agent_checks_scheduled} checks currently scheduled</li>
 *   <li>{@code aami_agent_checks_containment{mode="cgroup-v2|cgroup-v1|rlimit"}} 1 for the mode check
 *       runs are contained in (see {@code checks.containment}), 0 for the others</li>
 * </ul>
 */
public final class CheckMetrics {
    final Counter runs;
    final Counter skipped;
    final Counter timedOut;
    final Counter refused;
    final Histogram duration;
    final Gauge scheduled;
    final Gauge containment;
    private static final java.util.List<String> CONTAINMENT_MODES = java.util.List.of("cgroup-v2", "cgroup-v1", "rlimit");

    public CheckMetrics(PrometheusRegistry registry) {
        runs = Counter.builder().name("aami_agent_checks_run_total").help("Check runs finished, by status")
                .labelNames("status").register(registry);
        for (CheckStatus status : CheckStatus.values()) {
            runs.initLabelValues(status.wire());
        }
        skipped = Counter.builder().name("aami_agent_checks_skipped_total")
                .help("Check slots skipped because the previous run was still going").register(registry);
        timedOut = Counter.builder().name("aami_agent_checks_timed_out_total")
                .help("Check runs killed at their timeout").register(registry);
        refused = Counter.builder().name("aami_agent_checks_refused_total")
                .help("Check runs the agent did not start, by reason").labelNames("reason").register(registry);
        for (Refusal reason : Refusal.values()) {
            refused.initLabelValues(reason.label);
        }
        duration = Histogram.builder().name("aami_agent_check_duration_seconds").help("Check run duration")
                .classicOnly().classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
                .register(registry);
        scheduled = Gauge.builder().name("aami_agent_checks_scheduled").help("Checks currently scheduled")
                .register(registry);
        containment = Gauge.builder().name("aami_agent_checks_containment")
                .help("1 for the way check runs are contained (a cgroup per run, or rlimits only)")
                .labelNames("mode").register(registry);
        containmentMode("");
    }

    void containmentMode(String mode) {
        for (String other : CONTAINMENT_MODES) {
            containment.labelValues(other).set(other.equals(mode) ? 1 : 0);
        }
    }

    /** Counts skipped check slots; give it to the check scheduler. */
    public SkipListener skipListener() {
        return key -> skipped.inc();
    }

    void recordRun(CheckExecution execution) {
        runs.labelValues(execution.status()).inc();
        if (execution.timedOut()) {
            timedOut.inc();
        }
        if (execution.refusal() != null) {
            refused.labelValues(execution.refusal()).inc();
        }
        duration.observe(execution.durationMs() / 1000.0);
    }

    void scheduledChecks(int count) {
        scheduled.set(count);
    }
}
