package io.aami.server.groups;

import static io.aami.contract.ApiPaths.GROUP;
import static io.aami.contract.ApiPaths.GROUPS;
import static io.aami.server.http.Access.ADMIN;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;

/** Groups of targets: the admin API. Depends on no other feature; most features use its {@link #service}. */
public final class GroupsFeature {
    public static final RouteSet<GroupHandler> ROUTES = RouteSet.of(GroupHandler.class)
            .post(GROUPS, GroupHandler::create, ADMIN)
            .get(GROUPS, GroupHandler::list, ADMIN)
            .get(GROUP, GroupHandler::get, ADMIN)
            .put(GROUP, GroupHandler::update, ADMIN)
            .delete(GROUP, GroupHandler::delete, ADMIN)
            .build();

    private final GroupService service;

    public GroupsFeature(ServerContext ctx) {
        service = new GroupService(ctx.db(), new GroupStore(), ctx.clock());
        ctx.routes().bind(ROUTES, new GroupHandler(service, ctx.bodies()));
    }

    public GroupService service() {
        return service;
    }
}
