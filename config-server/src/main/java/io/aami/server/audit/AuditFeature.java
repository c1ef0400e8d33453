package io.aami.server.audit;

import static io.aami.contract.ApiPaths.AUDIT;
import static io.aami.server.http.Access.ADMIN;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import java.time.Duration;

/**
 * The audit log: {@link #trail} for every feature that changes something (written in the change's transaction),
 * {@code GET /api/v1/audit} (admin) to read it, and retention ({@code audit.retention}) pruning it hourly.
 * Depends on no other feature; every feature with a writing route depends on it.
 */
public final class AuditFeature {
    public static final RouteSet<AuditHandler> ROUTES = RouteSet.of(AuditHandler.class)
            .get(AUDIT, AuditHandler::list, ADMIN)
            .build();
    static final long PRUNE_EVERY_MINUTES = 60;

    private final AuditTrail trail;
    private final AuditService service;

    public AuditFeature(ServerContext ctx) {
        AuditStore store = new AuditStore();
        trail = new AuditTrail(store, ctx.mapper(), ctx.clock());
        AuditRetention retention = new AuditRetention(ctx.db(), store, ctx.config().audit().retention(), ctx.clock());
        var pruning = ctx.duties().schedule("audit_retention", Duration.ofMinutes(1), Duration.ofMinutes(PRUNE_EVERY_MINUTES),
                retention::pruneQuietly);
        ctx.resources().opened(() -> pruning.cancel(false));
        service = new AuditService(ctx.db(), store);
        ctx.routes().bind(ROUTES, new AuditHandler(service));
    }

    /** Reading the log, for the console's audit page. */
    public AuditService service() {
        return service;
    }

    /** What services record their changes with. */
    public AuditTrail trail() {
        return trail;
    }
}
