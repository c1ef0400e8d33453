package io.aami.server.console.probes;

import static io.aami.server.http.Access.OPERATOR;
import static io.aami.server.http.Access.VIEWER;

import io.aami.server.console.Console;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.probes.ProbeService;

/**
 * The console's probe pages (list, one probe with its failing pairs and edit form, the new-probe form) and the probe
 * matrix (source group × destination group, each failing cell opening its failing pairs). Depends on the console
 * frame, probes and groups; writes go through the probes API.
 */
public final class ProbePagesFeature {
    public static final String LIST = "/ui/probes";
    public static final String MATRIX = "/ui/matrix";

    public static final RouteSet<ProbePagesHandler> ROUTES = RouteSet.of(ProbePagesHandler.class)
            .get(LIST, ProbePagesHandler::list, VIEWER)
            .get(LIST + "/new", ProbePagesHandler::create, OPERATOR)
            .get(LIST + "/{id}", ProbePagesHandler::show, VIEWER)
            .get(MATRIX, ProbePagesHandler::matrix, VIEWER)
            .get(MATRIX + "/pairs", ProbePagesHandler::pairs, VIEWER)
            .build();

    public ProbePagesFeature(ServerContext ctx, Console console, ProbeService probes, GroupService groups) {
        ProbePagesService service = new ProbePagesService(ctx.db(), new ProbePagesStore(), probes, groups, ctx.clock());
        ctx.routes().bind(ROUTES, new ProbePagesHandler(service, console));
    }
}
