package io.aami.server.tokens;

import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKEN;
import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKENS;
import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKEN_USES;
import static io.aami.server.http.Access.VIEWER;
import static io.aami.server.http.Access.OPERATOR;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.groups.GroupService;
import io.aami.server.http.RouteSet;
import io.aami.server.targets.TargetService;
import io.aami.server.targets.TargetStore;

/**
 * Bootstrap tokens: the admin API. Depends on audit, groups and targets; registration redeems tokens from its
 * {@link #store}; a group's deletion deletes its tokens that can no longer enroll ({@link GroupTokenCleanup}).
 */
public final class TokensFeature {
    public static final RouteSet<BootstrapTokenHandler> ROUTES = RouteSet.of(BootstrapTokenHandler.class)
            .post(BOOTSTRAP_TOKENS, BootstrapTokenHandler::create, OPERATOR)
            .get(BOOTSTRAP_TOKENS, BootstrapTokenHandler::list, VIEWER)
            .get(BOOTSTRAP_TOKEN, BootstrapTokenHandler::get, VIEWER)
            .delete(BOOTSTRAP_TOKEN, BootstrapTokenHandler::revoke, OPERATOR)
            .get(BOOTSTRAP_TOKEN_USES, BootstrapTokenHandler::uses, VIEWER)
            .build();

    private final BootstrapTokenStore store = new BootstrapTokenStore();
    private final BootstrapTokenService service;

    public TokensFeature(ServerContext ctx, GroupService groups, TargetStore targets, TargetService targetService,
                         AuditTrail audit) {
        service = new BootstrapTokenService(ctx.db(), store, groups, ctx.secrets(), ctx.config().tokens(),
                targets, targetService, audit, ctx.clock());
        ctx.routes().bind(ROUTES, new BootstrapTokenHandler(service, ctx.bodies()));
        groups.addDeletionStep(new GroupTokenCleanup(store, targets, audit, ctx.clock()));
    }

    /** What the console's bootstrap-token pages read with. */
    public BootstrapTokenService service() {
        return service;
    }

    public BootstrapTokenStore store() {
        return store;
    }
}
