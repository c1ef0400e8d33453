package io.aami.agent.api;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.ApiToken;

/**
 * Which credential a local API request needs, checked before routing (so an unauthenticated caller cannot tell
 * which routes exist):
 * <ul>
 *   <li>With {@code api.token} (or {@code api.token_file}) set, every request needs it as a Bearer token.</li>
 *   <li>The metrics token ({@code api.metrics_token_file}) authorizes {@code GET /metrics} and nothing else: any
 *       other request carrying it is 403, so the credential Prometheus holds (and sends over plain HTTP) cannot run
 *       probes or inject results. With it set, {@code GET /metrics} needs it (or the full token) even on loopback.</li>
 *   <li>Without the full token every other route is open: the loader allows that only on a loopback address.</li>
 * </ul>
 */
final class ApiAccess {
    private static final String BEARER = "Bearer ";

    private final ApiToken full;
    private final ApiToken metrics;

    private ApiAccess(ApiToken full, ApiToken metrics) {
        this.full = full;
        this.metrics = metrics;
    }

    static ApiAccess forApi(AgentConfig.Api cfg) {
        return new ApiAccess(cfg.token(), cfg.metricsToken());
    }

    /**
     * Refuses a request whose {@code Authorization} header does not authorize {@code method} on {@code path}.
     *
     * @throws LocalApiException 401 without a valid token, 403 for the metrics token on any other request
     */
    void check(String method, String path, String authorization) {
        boolean metricsRequest = "GET".equals(method) && StatusRoutes.METRICS.equals(path);
        if (full == null && (metrics == null || !metricsRequest)) {
            return;
        }
        String presented = bearer(authorization);
        if (full != null && full.matches(presented)) {
            return;
        }
        if (metrics != null && metrics.matches(presented)) {
            if (metricsRequest) {
                return;
            }
            throw new LocalApiException(403, "FORBIDDEN", "this token (api.metrics_token_file) authorizes only GET "
                    + StatusRoutes.METRICS, "Authorization");
        }
        throw new LocalApiException(401, "UNAUTHORIZED", "this API needs Authorization: Bearer <api.token>"
                + (metrics != null && metricsRequest ? " (or the api.metrics_token_file token)" : ""), "Authorization");
    }

    /** The token of a {@code Bearer} header (the scheme in any case, RFC 7235), else null. */
    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length());
    }
}
