package io.aami.server.console.audit;

import static io.aami.server.http.Access.ADMIN;

import io.aami.server.audit.AuditService;
import io.aami.server.console.Console;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;

/**
 * The console's audit log page ({@code /ui/audit}, admins only, as {@code GET /api/v1/audit}): the API's filters as
 * a GET form (they are no secrets, so they stay in the URL to bookmark and share), newest first, keyset pages, and
 * each event's before → after with the changed keys first. Depends on console and audit.
 */
public final class AuditPageFeature {
    public static final RouteSet<AuditPageHandler> ROUTES = RouteSet.of(AuditPageHandler.class)
            .get("/ui/audit", AuditPageHandler::page, ADMIN)
            .build();

    public AuditPageFeature(ServerContext ctx, Console console, AuditService audit) {
        ctx.routes().bind(ROUTES, new AuditPageHandler(console, audit, new AuditDiff(ctx.mapper())));
    }
}
