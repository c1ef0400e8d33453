package io.aami.server.health;

import static io.aami.contract.ApiPaths.HEALTH;
import static io.aami.contract.ApiPaths.READY;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.Access;
import io.aami.server.http.RouteSet;
import java.time.Duration;

/** {@code /health} and {@code /ready}, from a background database ping. Depends on no other feature. */
public final class HealthFeature {
    public static final RouteSet<HealthHandler> ROUTES = RouteSet.of(HealthHandler.class)
            .get(HEALTH, HealthHandler::health, Access.HEALTH)
            .get(READY, HealthHandler::ready, Access.HEALTH)
            .build();

    public HealthFeature(ServerContext ctx) {
        DatabaseProbe probe = new DatabaseProbe(ctx.db(), ctx.migrations());
        probe.start(ctx.scheduler(), Duration.ofSeconds(2));
        ctx.resources().opened(probe);
        ctx.routes().bind(ROUTES, new HealthHandler(probe));
    }
}
