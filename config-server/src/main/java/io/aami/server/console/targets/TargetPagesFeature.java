package io.aami.server.console.targets;

import static io.aami.server.http.Access.VIEWER;

import io.aami.server.checkresults.CheckStateService;
import io.aami.server.console.Console;
import io.aami.server.discovery.DependencyService;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.server.proberesults.ProbeStateService;
import io.aami.server.targets.TargetStore;

/**
 * The console's target pages: the list (search, filters, sort, keyset pages; bulk move and revoke for operators,
 * through {@code POST /api/v1/targets/bulk}) and one target (identity, state, checks and probes with their history
 * charts, fetched by {@code target.js} from the result history routes; what host discovery saw: listening services,
 * dependencies with their resolved peers and coverage, connection states; revoke and delete for operators). Pages
 * only: every change goes through the targets feature's API. Depends on console (the frame), targets, checkresults,
 * proberesults and discovery.
 */
public final class TargetPagesFeature {
    public static final String LIST = "/ui/targets";
    public static final String DETAIL = LIST + "/{id}";

    public static final RouteSet<TargetPagesHandler> ROUTES = RouteSet.of(TargetPagesHandler.class)
            .get(LIST, TargetPagesHandler::list, VIEWER)
            .get(DETAIL, TargetPagesHandler::detail, VIEWER)
            .build();

    public TargetPagesFeature(ServerContext ctx, Console console, TargetStore targets, CheckStateService checks,
                              ProbeStateService probes, DependencyService discovery) {
        ctx.routes().bind(ROUTES, new TargetPagesHandler(console, new TargetListService(ctx.db()),
                new TargetDetailService(ctx.db(), targets, checks, probes, discovery)));
    }
}
