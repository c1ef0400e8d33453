package io.aami.server.http;

import io.aami.server.agentauth.AgentAuthenticator;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Set;

/** Runs before every matched route and enforces its {@link Access}; a route without one is admin-only. */
public final class AccessFilter {
    private final AdminAuthenticator admin;
    private final AgentAuthenticator agents;
    private final boolean metricsPublic;

    public AccessFilter(AdminAuthenticator admin, AgentAuthenticator agents, boolean metricsPublic) {
        this.admin = admin;
        this.agents = agents;
        this.metricsPublic = metricsPublic;
    }

    public void check(Context ctx) {
        switch (accessOf(ctx.routeRoles())) {
            case PUBLIC, ENROLL -> {
            }
            case ADMIN -> admin.require(ctx);
            case METRICS_ACCESS -> {
                if (!metricsPublic) {
                    admin.require(ctx);
                }
            }
            case AGENT -> agents.require(ctx);
        }
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
