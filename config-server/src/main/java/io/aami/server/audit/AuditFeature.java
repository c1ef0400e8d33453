package io.aami.server.audit;

import static io.aami.contract.ApiPaths.AUDIT;
import static io.aami.server.http.Access.ADMIN;

import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import java.util.concurrent.TimeUnit;

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
        var pruning = ctx.scheduler().scheduleWithFixedDelay(retention::pruneQuietly, 1, PRUNE_EVERY_MINUTES, TimeUnit.MINUTES);
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
