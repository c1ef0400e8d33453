package io.aami.server.sd;

import static io.aami.contract.ApiPaths.SD_PROMETHEUS;
import static io.aami.server.http.Access.MONITORING;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.security.Cidr;

/**
 * Prometheus HTTP service discovery: {@code GET /api/v1/sd/prometheus} lists the agents whose local
 * {@code /metrics} a Prometheus can scrape, from what their heartbeats report, to the monitoring (or admin) token;
 * {@code sd.allowed_cidrs} widens where they may be listed ({@link SdService}, which exports
 * {@code aami_sd_conflicting_targets}). Reads targets and groups;
 * depends on no other feature and none depends on it.
 */
public final class SdFeature {
    public static final RouteSet<SdHandler> ROUTES = RouteSet.of(SdHandler.class)
            .get(SD_PROMETHEUS, SdHandler::prometheus, MONITORING)
            .build();

    public SdFeature(ServerContext ctx) {
        ctx.routes().bind(ROUTES, new SdHandler(new SdService(ctx.db(), new SdStore(),
                ctx.config().sd().allowedCidrs().stream().map(Cidr::parse).toList(), ctx.clock(), ctx.config().heartbeat().interval(),
                ctx.registry())));
    }
}
