package io.aami.server.groups;

import static io.aami.contract.ApiPaths.GROUP;
import static io.aami.contract.ApiPaths.GROUPS;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.OPERATOR;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;

/** Groups of targets: the admin API. Depends on audit; most features use its {@link #service}. */
public final class GroupsFeature {
    public static final RouteSet<GroupHandler> ROUTES = RouteSet.of(GroupHandler.class)
            .post(GROUPS, GroupHandler::create, OPERATOR)
            .get(GROUPS, GroupHandler::list, VIEWER)
            .get(GROUP, GroupHandler::get, VIEWER)
            .put(GROUP, GroupHandler::update, OPERATOR)
            .delete(GROUP, GroupHandler::delete, OPERATOR)
            .build();

    private final GroupService service;

    public GroupsFeature(ServerContext ctx, AuditTrail audit) {
        service = new GroupService(ctx.db(), new GroupStore(), audit, ctx.clock());
        ctx.routes().bind(ROUTES, new GroupHandler(service, ctx.bodies()));
    }

    public GroupService service() {
        return service;
    }
}
