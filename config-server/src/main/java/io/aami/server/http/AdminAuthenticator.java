package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;

import io.aami.server.security.Secrets;
import io.javalin.http.Context;

/**
 * Checks the operator's admin token and Prometheus's read-only monitoring token (each held only as a hash in
 * memory). The monitoring token opens {@link Access#MONITORING} routes (and {@code /metrics}) only; on an admin
 * route it is a 403, so a Prometheus host's credential can neither change nor read the fleet's configuration.
 */
public final class AdminAuthenticator {
    private final byte[] adminSha256;
    private final byte[] monitoringSha256;

    public AdminAuthenticator(String adminToken, String monitoringToken) {
        if (adminToken.equals(monitoringToken)) {
            throw new IllegalStateException("the monitoring token must differ from the admin token");
        }
        this.adminSha256 = Secrets.sha256(adminToken);
        this.monitoringSha256 = Secrets.sha256(monitoringToken);
    }

    /** The admin token, and only it. */
    public void require(Context ctx) {
        String presented = presented(ctx, "admin token required: send Authorization: Bearer <admin token>");
        if (Secrets.matches(adminSha256, presented)) {
            return;
        }
        if (Secrets.matches(monitoringSha256, presented)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "the monitoring token may only read service discovery and metrics");
        }
        throw invalid(ctx, "the admin token is not valid");
    }

    /** The monitoring token or the admin token. */
    public void requireMonitoring(Context ctx) {
        String presented = presented(ctx, "monitoring or admin token required: send Authorization: Bearer <monitoring token>");
        // Both compared every time, so the answer's timing does not tell which one a guess came close to.
        boolean monitoring = Secrets.matches(monitoringSha256, presented);
        boolean admin = Secrets.matches(adminSha256, presented);
        if (!monitoring && !admin) {
            throw invalid(ctx, "the monitoring token is not valid");
        }
    }

    private static String presented(Context ctx, String required) {
        String presented = Bearer.from(ctx).orElse(null);
        if (presented == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, required);
        }
        return presented;
    }

    private static ApiException invalid(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"aami\", error=\"invalid_token\"");
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }
}
