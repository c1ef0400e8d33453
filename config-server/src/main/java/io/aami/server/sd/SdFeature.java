package io.aami.server.sd;

import static io.aami.contract.ApiPaths.SD_PROMETHEUS;
import static io.aami.server.http.Access.ADMIN;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;

/**
 * Prometheus HTTP service discovery: {@code GET /api/v1/sd/prometheus} lists the agents whose local
 * {@code /metrics} a Prometheus can scrape, from what their heartbeats report. Reads targets and groups;
 * depends on no other feature and none depends on it.
 */
public final class SdFeature {
    public static final RouteSet<SdHandler> ROUTES = RouteSet.of(SdHandler.class)
            .get(SD_PROMETHEUS, SdHandler::prometheus, ADMIN)
            .build();

    public SdFeature(ServerContext ctx) {
        ctx.routes().bind(ROUTES, new SdHandler(new SdService(ctx.db(), new SdStore())));
    }
}
