package io.aami.server.metrics;

import static io.aami.contract.ApiPaths.METRICS;
import static io.aami.server.http.Access.METRICS_ACCESS;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import java.util.List;

/**
 * {@code /metrics}: the server's own metrics (every feature registers its own on the shared registry)
 * and the fleet's state, rendered by the scrapes that need it (never in the background). Reads targets' states and the shared staleness
 * rule; no feature depends on it.
 */
public final class MetricsFeature {
    public static final RouteSet<MetricsHandler> ROUTES = RouteSet.of(MetricsHandler.class)
            .get(METRICS, MetricsHandler::metrics, METRICS_ACCESS)
            .build();

    public MetricsFeature(ServerContext ctx) {
        ServerMetrics metrics = new ServerMetrics(ctx.registry(), ctx.db());
        FleetExposition fleet = new FleetExposition(ctx.db(), List.of(new FleetCollector(), new ProbeFleetCollector()),
                ctx.config().http().metricsMaxAge(), ctx.clock());
        metrics.observe(fleet);
        ctx.routes().bind(ROUTES, new MetricsHandler(ctx.registry(), fleet));
    }
}
