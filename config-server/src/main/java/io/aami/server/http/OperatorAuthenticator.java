package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.security.LiveSession;
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
 * Prometheus host's credential can neither change nor read the fleet's configuration. A request without a bearer token
 * may come with the console's session cookie ({@link SessionCookie}, {@link SessionAuthentication}): a state-changing
 * one (any method but GET, HEAD, OPTIONS) must then carry the session's CSRF token, else 403
 * {@code CSRF_TOKEN_INVALID}. A bearer token is never sent by a browser on its own, so it needs none.
 */
public final class OperatorAuthenticator {
    private final byte[] adminSha256;
    private final byte[] monitoringSha256;
    private final UserAuthentication users;
    private final SessionAuthentication sessions;
    private final RateLimiter invalidTokens;

    /** @param invalidTokens well-formed invalid user tokens per source address: past it, only recently valid ones are looked up */
    public OperatorAuthenticator(String adminToken, String monitoringToken, UserAuthentication users, SessionAuthentication sessions,
                                 RateLimiter invalidTokens) {
        if (adminToken.equals(monitoringToken)) {
            throw new IllegalStateException("the monitoring token must differ from the admin token");
        }
        this.adminSha256 = Secrets.sha256(adminToken);
        this.monitoringSha256 = Secrets.sha256(monitoringToken);
        this.users = users;
        this.sessions = sessions;
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
        if (presented == null && ctx.cookie(SessionCookie.NAME) != null) {
            return session(ctx);
        }
        if (presented == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, required);
        }
        boolean admin = Secrets.matches(adminSha256, presented);
        boolean monitoring = Secrets.matches(monitoringSha256, presented);
        Principal p = admin ? Principal.breakGlass() : monitoring ? Principal.monitoring() : user(ctx, presented);
        if (p == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami\", error=\"invalid_token\"");
            throw new ApiException(ErrorCode.UNAUTHORIZED, "the token is not valid (unknown, expired or revoked, or its user is disabled)");
        }
        Principals.set(ctx, p);
        return p;
    }

    /** The session cookie's user (failed lookups bounded by the invalid-token limit), with its CSRF token checked. */
    private Principal session(Context ctx) {
        String id = SessionCookie.of(ctx).orElse(null);
        String address = ctx.req().getRemoteAddr();
        LiveSession live = null;
        if (id != null) {
            // Looked up first (one lookup by a unique hash, cheap), and only a failed lookup counts against the address:
            // refusing before the lookup let a flood of garbage cookies lock out every valid session at the address
            // (behind a proxy or NAT, the whole console).
            live = sessions.authenticate(id, SessionCookie.background(ctx)).orElse(null);
            if (live == null) {
                invalidTokens.waitFor(address).ifPresent(wait -> {
                    throw ApiException.retryLater(ErrorCode.RATE_LIMITED, "too many invalid sessions from this address; retry later", wait);
                });
                invalidTokens.acquire(address);
            }
        }
        if (live == null) {
            // The browser drops the dead cookie, so it stops presenting it (and counting against the address).
            SessionCookie.clear(ctx, ctx.req().isSecure());
            throw new ApiException(ErrorCode.UNAUTHORIZED, "the session has ended (logged out, idle or too old, or its user is disabled);"
                    + " log in again");
        }
        if (!SAFE_METHODS.contains(ctx.method().name()) && !SessionCookie.csrfMatches(ctx, id)) {
            throw new ApiException(ErrorCode.CSRF_TOKEN_INVALID, "a change made with the session cookie needs the session's CSRF token in the "
                    + SessionCookie.CSRF_HEADER + " header or the " + SessionCookie.FORM_FIELD + " form field");
        }
        Principals.set(ctx, live.principal());
        Principals.setSessionEnd(ctx, live.endsAt());
        return live.principal();
    }

    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS");

    /**
     * A user's token, or null. Only a well-formed token whose lookup failed counts against its address: a malformed
     * one costs no query, so it costs nothing. Past the address's limit, a token that was valid at a recent request
     * (compared in memory) is still looked up, any other is refused (429) before the query: behind a proxy, where
     * every caller shares its address, a flood of guesses cannot hammer the database nor lock out the scripts in use.
     */
    private Principal user(Context ctx, String presented) {
        if (!users.wellFormed(presented)) {
            return null;
        }
        String address = ctx.req().getRemoteAddr();
        if (!users.recentlyValid(presented)) {
            invalidTokens.waitFor(address).ifPresent(wait -> {
                throw ApiException.retryLater(ErrorCode.RATE_LIMITED, "too many invalid tokens from this address; retry later", wait);
            });
        }
        Principal p = users.authenticate(presented).orElse(null);
        if (p == null) {
            invalidTokens.acquire(address);
        }
        return p;
    }
}
