package io.aami.server.targets;

import static io.aami.contract.ApiPaths.TARGET;
import static io.aami.contract.ApiPaths.TARGETS;
import static io.aami.contract.ApiPaths.TARGETS_BULK;
import static io.aami.contract.ApiPaths.TARGET_REVOKE;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.OPERATOR;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;

/**
 * Targets (enrolled agents): the admin API and the target records every later feature reads.
 * Depends on audit and groups; announces policy changes through {@code policyscope} and credential changes
 * through {@link CredentialChanges}, which the agent authenticator consumes.
 */
public final class TargetsFeature {
    public static final RouteSet<TargetHandler> ROUTES = RouteSet.of(TargetHandler.class)
            .post(TARGETS, TargetHandler::create, OPERATOR)
            .get(TARGETS, TargetHandler::list, VIEWER)
            .get(TARGET, TargetHandler::get, VIEWER)
            .put(TARGET, TargetHandler::put, OPERATOR)
            .delete(TARGET, TargetHandler::delete, OPERATOR)
            .post(TARGET_REVOKE, TargetHandler::revoke, OPERATOR)
            .post(TARGETS_BULK, TargetHandler::bulk, OPERATOR)
            .build();

    private final TargetStore store = new TargetStore();
    private final TargetService service;

    public TargetsFeature(ServerContext ctx, GroupService groups, AuditTrail audit) {
        service = new TargetService(ctx.db(), store, groups, ctx.clock(), ctx.changes(), audit);
        TargetBulkService bulk = new TargetBulkService(ctx.db(), service, groups, ctx.clock(), audit);
        ctx.routes().bind(ROUTES, new TargetHandler(service, bulk, ctx.bodies()));
    }

    public TargetStore store() {
        return store;
    }

    public TargetService service() {
        return service;
    }
}
