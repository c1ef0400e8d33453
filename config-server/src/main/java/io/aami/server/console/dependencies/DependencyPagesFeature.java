package io.aami.server.console.dependencies;

import static io.aami.server.http.Access.VIEWER;

import io.aami.server.console.Console;
import io.aami.server.discovery.DependencyService;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;

/**
 * The console's dependency page ({@code /ui/dependencies[?group_id=]}): the observed dependencies no probe covers,
 * each with a button (operators) that posts its ready probe to {@code POST /api/v1/probes}; the group graph drawn by
 * {@code dependencies.js} with the vendored Cytoscape.js from {@code GET /api/v1/dependencies}, and the same edges as
 * a table (no script needed). Page only: the probe is made by the probes API. Depends on console and discovery.
 */
public final class DependencyPagesFeature {
    public static final String PAGE = "/ui/dependencies";

    public static final RouteSet<DependencyPagesHandler> ROUTES = RouteSet.of(DependencyPagesHandler.class)
            .get(PAGE, DependencyPagesHandler::page, VIEWER)
            .build();

    public DependencyPagesFeature(ServerContext ctx, Console console, DependencyService discovery) {
        ctx.routes().bind(ROUTES, new DependencyPagesHandler(console, discovery, ctx.mapper()));
    }
}
