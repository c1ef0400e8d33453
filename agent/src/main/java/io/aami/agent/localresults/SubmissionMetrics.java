package io.aami.agent.localresults;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What local programs posted to {@code /check-results}, both from 0 at start-up:
 * <ul>
 *   <li>{@code aami_agent_check_results_submitted_total} results spooled for delivery</li>
 *   <li>{@code aami_agent_check_results_refused_total} requests refused (nothing of them spooled)</li>
 * </ul>
 */
final class SubmissionMetrics {
    final Counter submitted;
    final Counter refused;

    SubmissionMetrics(PrometheusRegistry registry) {
        submitted = Counter.builder().name("aami_agent_check_results_submitted_total")
                .help("Check results local programs posted to /check-results, spooled for delivery").register(registry);
        refused = Counter.builder().name("aami_agent_check_results_refused_total")
                .help("Requests to /check-results refused; nothing of them was spooled").register(registry);
    }
}
