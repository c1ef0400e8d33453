package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.security.Role;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * Runs before every matched route and enforces its {@link Access}; a route without one is admin-only. An
 * operator-side route's {@link io.aami.server.security.Principal} is resolved here, once, and kept on the request.
 * Routes that need no credential also take a permit of the {@link InFlightLimit}, returned by
 * {@link #release} after the request.
 */
public final class AccessFilter {
    private final OperatorAuthenticator operators;
    private final AgentAuthentication agents;
    private final boolean metricsPublic;
    private final RateLimiter enrollments;
    private final RateLimiter agentRequests;
    private final InFlightLimit unauthenticated;

    public AccessFilter(OperatorAuthenticator operators, AgentAuthentication agents, boolean metricsPublic, RateLimiter enrollments,
                        RateLimiter agentRequests, int maxUnauthenticatedInFlight) {
        this.operators = operators;
        this.agents = agents;
        this.metricsPublic = metricsPublic;
        this.enrollments = enrollments;
        this.agentRequests = agentRequests;
        this.unauthenticated = new InFlightLimit(maxUnauthenticatedInFlight);
    }

    public void check(Context ctx) {
        switch (accessOf(ctx.routeRoles())) {
            case HEALTH -> {
            }
            case PUBLIC -> unauthenticated.acquire(ctx);
            case ENROLL -> {
                limit(enrollments, RequestOrigin.address(ctx), "enrollment attempts from this address");
                unauthenticated.acquire(ctx);
            }
            case VIEWER -> operators.require(ctx, Role.VIEWER);
            case OPERATOR -> operators.require(ctx, Role.OPERATOR);
            case ADMIN -> operators.require(ctx, Role.ADMIN);
            case MONITORING -> operators.requireMonitoring(ctx);
            case METRICS_ACCESS -> {
                if (metricsPublic) {
                    unauthenticated.acquire(ctx);
                } else {
                    operators.requireMonitoring(ctx);
                }
            }
            case AGENT -> limit(agentRequests, agents.require(ctx).toString(), "requests from this agent");
        }
    }

    /** Runs after every request: returns its in-flight permit, if it took one. */
    public void release(Context ctx) {
        unauthenticated.release(ctx);
    }

    private static void limit(RateLimiter limiter, String key, String what) {
        limiter.acquire(key).ifPresent(wait -> {
            throw ApiException.retryLater(ErrorCode.RATE_LIMITED, "too many " + what + "; retry later", wait);
        });
    }

    private static Access accessOf(Set<RouteRole> roles) {
        for (RouteRole r : roles) {
            if (r instanceof Access a) {
                return a;
            }
        }
        return Access.ADMIN;
    }
}
