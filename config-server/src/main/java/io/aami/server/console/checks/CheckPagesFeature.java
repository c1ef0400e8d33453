package io.aami.server.console.checks;

import static io.aami.server.http.Access.OPERATOR;
import static io.aami.server.http.Access.VIEWER;

import io.aami.server.checks.CheckService;
import io.aami.server.console.Console;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;

/**
 * The console's check pages: the list ({@code /ui/checks}: scope, interval, how many targets run each check and how
 * many fail), one check with its failing targets and edit form, and the new-check form. Depends on the console frame,
 * checks and groups; writes go through the checks API.
 */
public final class CheckPagesFeature {
    public static final String LIST = "/ui/checks";

    public static final RouteSet<CheckPagesHandler> ROUTES = RouteSet.of(CheckPagesHandler.class)
            .get(LIST, CheckPagesHandler::list, VIEWER)
            .get(LIST + "/new", CheckPagesHandler::create, OPERATOR)
            .get(LIST + "/{id}", CheckPagesHandler::show, VIEWER)
            .build();

    public CheckPagesFeature(ServerContext ctx, Console console, CheckService checks, GroupService groups) {
        CheckPagesService service = new CheckPagesService(ctx.db(), new CheckPagesStore(), checks, groups,
                ctx.config().checks().interpreters(), ctx.clock());
        ctx.routes().bind(ROUTES, new CheckPagesHandler(service, console));
    }
}
