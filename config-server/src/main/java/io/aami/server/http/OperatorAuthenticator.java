package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.security.Principal;
import io.aami.server.security.Role;
import io.aami.server.security.Secrets;
import io.javalin.http.Context;

/**
 * Resolves the {@link Principal} of an operator-side request from its bearer token, once, and keeps it on the
 * request ({@link Principals}): the break-glass admin token and Prometheus's monitoring token (each held only
 * as a hash in memory, both compared every time so the timing does not tell which one a guess came close
 * to), else a user's API token ({@link UserAuthentication}). The monitoring token opens
 * {@link Access#MONITORING} routes (and {@code /metrics}) only: on any other route it is a 403, so a
 * Prometheus host's credential can neither change nor read the fleet's configuration.
 */
public final class OperatorAuthenticator {
    private final byte[] adminSha256;
    private final byte[] monitoringSha256;
    private final UserAuthentication users;
    private final RateLimiter invalidTokens;

    /** @param invalidTokens invalid tokens per source address: past it, a token is refused before any lookup */
    public OperatorAuthenticator(String adminToken, String monitoringToken, UserAuthentication users, RateLimiter invalidTokens) {
        if (adminToken.equals(monitoringToken)) {
            throw new IllegalStateException("the monitoring token must differ from the admin token");
        }
        this.adminSha256 = Secrets.sha256(adminToken);
        this.monitoringSha256 = Secrets.sha256(monitoringToken);
        this.users = users;
        this.invalidTokens = invalidTokens;
    }

    /** A credential whose role includes {@code needed}: 401 without a valid one, 403 with too low a role. */
    public Principal require(Context ctx, Role needed) {
        Principal p = resolve(ctx, "a token is required: send Authorization: Bearer <token>");
        if (p.kind() == Principal.Kind.MONITORING) {
            throw new ApiException(ErrorCode.FORBIDDEN, "the monitoring token may only read service discovery and metrics");
        }
        if (!p.has(needed)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "this route needs the " + needed.wire() + " role; "
                    + p.name() + " has the " + p.role().wire() + " role");
        }
        return p;
    }

    /** Any valid credential: the monitoring token, the admin token or a user's (reading is every role's right). */
    public Principal requireMonitoring(Context ctx) {
        return resolve(ctx, "monitoring or admin token required: send Authorization: Bearer <monitoring token>");
    }

    private Principal resolve(Context ctx, String required) {
        String presented = Bearer.from(ctx).orElse(null);
        if (presented == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, required);
        }
        boolean admin = Secrets.matches(adminSha256, presented);
        boolean monitoring = Secrets.matches(monitoringSha256, presented);
        Principal p = admin ? Principal.breakGlass() : monitoring ? Principal.monitoring() : user(ctx, presented);
        if (p == null) {
            invalidTokens.acquire(ctx.req().getRemoteAddr());
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\", error=\"invalid_token\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, "the token is not valid (unknown, expired or revoked, or its user is disabled)");
        }
        Principals.set(ctx, p);
        return p;
    }

    /**
     * A user's token, unless this address has sent too many invalid tokens: then it is refused before the
     * lookup, so guessing costs the database nothing past the limit (the admin and monitoring tokens, compared
     * in memory, still work from there).
     */
    private Principal user(Context ctx, String presented) {
        invalidTokens.waitFor(ctx.req().getRemoteAddr()).ifPresent(wait -> {
            throw ApiException.retryLater(ErrorCode.RATE_LIMITED, "too many invalid tokens from this address; retry later", wait);
        });
        return users.authenticate(presented).orElse(null);
    }
}
