package io.aami.server.discovery;

import static io.aami.contract.ApiPaths.DEPENDENCIES;
import static io.aami.contract.ApiPaths.DEPENDENCIES_UNCOVERED;
import static io.aami.contract.ApiPaths.DISCOVERY_REPORTS;
import static io.aami.contract.ApiPaths.TARGET_CONNECTIONS;
import static io.aami.contract.ApiPaths.TARGET_DEPENDENCIES;
import static io.aami.contract.ApiPaths.TARGET_SERVICES;
import static io.aami.server.http.Access.AGENT;
import static io.aami.server.http.Access.VIEWER;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.results.StreamIngest;
import io.aami.server.targets.TargetStore;

/**
 * Host discovery (issue 11's server side): agents' discovery reports stored exactly once by seq on the shared
 * result streams (the latest snapshot per host, edges' first and last sightings); each target's services,
 * dependencies and connection states; the group-level dependency graph with declared (probes) against observed;
 * the uncovered dependencies with a probe for each; the graph re-exported on {@code /metrics}
 * ({@link DiscoveryFleetMetrics}). Depends on the result streams and targets (and reads groups and probes' rows).
 */
public final class DiscoveryFeature {
    public static final RouteSet<DiscoveryHandler> ROUTES = RouteSet.of(DiscoveryHandler.class)
            .post(DISCOVERY_REPORTS, DiscoveryHandler::ingest, AGENT)
            .get(TARGET_SERVICES, DiscoveryHandler::services, VIEWER)
            .get(TARGET_DEPENDENCIES, DiscoveryHandler::dependencies, VIEWER)
            .get(TARGET_CONNECTIONS, DiscoveryHandler::connections, VIEWER)
            .get(DEPENDENCIES, DiscoveryHandler::graph, VIEWER)
            .get(DEPENDENCIES_UNCOVERED, DiscoveryHandler::uncovered, VIEWER)
            .build();

    private final DependencyService service;

    public DiscoveryFeature(ServerContext ctx, StreamIngest streams, TargetStore targets) {
        DiscoveryReadStore store = new DiscoveryReadStore(ctx.mapper(), ctx.clock(), ctx.config().heartbeat().interval());
        service = new DependencyService(ctx.db(), store, targets, ctx.config().discovery().inventory());
        DiscoveryIngest ingest = new DiscoveryIngest(streams, ctx.mapper(), ctx.registry());
        ctx.registry().register(new DiscoveryFleetMetrics(ctx.db(), service, ctx.config().discovery(),
                ctx.config().http().metricsMaxAge(), ctx.clock()));
        ctx.routes().bind(ROUTES, new DiscoveryHandler(ingest, service, ctx.bodies()));
    }

    /** A target's services, dependencies and connections, and the group graph (what the console shows). */
    public DependencyService service() {
        return service;
    }
}
