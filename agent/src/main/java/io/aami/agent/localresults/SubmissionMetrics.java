package io.aami.agent.localresults;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What local programs posted to {@code /check-results}, both from 0 at start-up:
 * <ul>
 *   <li>{@code aami_agent_check_results_submitted_total} results spooled for delivery</li>
 *   <li>{@code aami_agent_check_results_refused_total{reason}} requests refused (nothing of them spooled), by
 *       {@link Reason}: {@code invalid} (a 400 or 413), {@code unknown_check} (404), {@code busy} (503: the
 *       local API was reading other bodies), {@code rate_limited} (429: more than the results a second),
 *       {@code byte_rate_limited} (429: more than the bytes a second), {@code spool_share} (507: submitted
 *       results hold their whole share of the spool, or it has no free room)</li>
 * </ul>
 */
final class SubmissionMetrics {
    /** Why a request was refused; the label value is the lower-case name. */
    enum Reason { INVALID, UNKNOWN_CHECK, BUSY, RATE_LIMITED, BYTE_RATE_LIMITED, SPOOL_SHARE }

    final Counter submitted;
    private final Counter refused;

    SubmissionMetrics(PrometheusRegistry registry) {
        submitted = Counter.builder().name("aami_agent_check_results_submitted_total")
                .help("Check results local programs posted to /check-results, spooled for delivery").register(registry);
        refused = Counter.builder().name("aami_agent_check_results_refused_total")
                .help("Requests to /check-results refused, by reason; nothing of them was spooled")
                .labelNames("reason").register(registry);
        for (Reason r : Reason.values()) {
            refused.labelValues(label(r)); // every reason shows from the start, at 0
        }
    }

    void refused(Reason reason) {
        refused.labelValues(label(reason)).inc();
    }

    private static String label(Reason r) {
        return r.name().toLowerCase(java.util.Locale.ROOT);
    }
}
