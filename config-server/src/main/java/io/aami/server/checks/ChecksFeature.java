package io.aami.server.checks;

import static io.aami.contract.ApiPaths.CHECK;
import static io.aami.contract.ApiPaths.CHECK_ENABLED;
import static io.aami.contract.ApiPaths.CHECKS;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.OPERATOR;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.targets.TargetStore;

/** Check definitions: the admin API. Depends on audit, groups and targets; policy reads its {@link #store}. */
public final class ChecksFeature {
    public static final RouteSet<CheckHandler> ROUTES = RouteSet.of(CheckHandler.class)
            .post(CHECKS, CheckHandler::create, OPERATOR)
            .get(CHECKS, CheckHandler::list, VIEWER)
            .get(CHECK, CheckHandler::get, VIEWER)
            .put(CHECK, CheckHandler::replace, OPERATOR)
            .delete(CHECK, CheckHandler::delete, OPERATOR)
            .put(CHECK_ENABLED, CheckHandler::setEnabled, OPERATOR)
            .build();

    private final CheckStore store = new CheckStore();

    private final CheckService service;

    public ChecksFeature(ServerContext ctx, GroupService groups, TargetStore targets, AuditTrail audit) {
        service = new CheckService(ctx.db(), store, groups, targets, ctx.config().checks(), audit, ctx.clock());
        ctx.routes().bind(ROUTES, new CheckHandler(service, ctx.bodies()));
    }

    public CheckStore store() {
        return store;
    }

    /** The definitions' rules, for the console's pages. */
    public CheckService service() {
        return service;
    }
}
