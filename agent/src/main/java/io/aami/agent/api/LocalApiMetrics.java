package io.aami.agent.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The local API's refusals, from 0 at start-up:
 * <ul>
 *   <li>{@code aami_agent_local_api_refused_total{code}} requests the API or a route refused with a
 *       {@link LocalApiException}, by its {@code code}: e.g. {@code BUSY} (no body slot free: see
 *       {@code BodySlots}), {@code PAYLOAD_TOO_LARGE}, {@code TOO_MANY_TASKS}, {@code MALFORMED_JSON},
 *       {@code UNAUTHORIZED}, {@code HOST_NOT_ALLOWED}, {@code RATE_LIMITED}. A route's refusals it answers
 *       itself (a probe's {@code INVALID_PROBE}) are not counted here.</li>
 * </ul>
 */
public final class LocalApiMetrics {
    private final Counter refused;

    /** The codes the API itself and the built-in routes raise, shown at 0 from start-up. */
    private static final List<String> KNOWN = List.of("BUSY", "PAYLOAD_TOO_LARGE", "MALFORMED_JSON", "TOO_MANY_TASKS",
            "VALIDATION_FAILED", "NOT_FOUND", "RATE_LIMITED", "SPOOL_SHARE_FULL", "UNAUTHORIZED", "HOST_NOT_ALLOWED",
            "CROSS_SITE_REQUEST", "UNSUPPORTED_MEDIA_TYPE", "METHOD_NOT_ALLOWED");

    public LocalApiMetrics(PrometheusRegistry registry) {
        refused = Counter.builder().name("aami_agent_local_api_refused_total")
                .help("Local API requests refused, by error code").labelNames("code").register(registry);
        KNOWN.forEach(refused::labelValues);
    }

    void refused(String code) {
        refused.labelValues(code).inc();
    }
}
