package io.aami.server.audit;

import io.aami.contract.audit.AuditEventView;
import io.aami.server.error.ApiException;
import io.aami.server.http.Params;
import io.aami.server.http.Timestamps;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * HTTP for {@code GET /api/v1/audit?actor=&object=&since=&until=&limit=&after=}: newest first, at most
 * {@code limit} (default 100, at most 1,000); when a page is full, the {@code Aami-Continue} header holds the
 * {@code after} of the next. Every parameter is checked here; a bad one is a 400 naming it.
 */
public final class AuditHandler {
    static final String CONTINUE_HEADER = "Aami-Continue";

    private final AuditService service;

    AuditHandler(AuditService service) {
        this.service = service;
    }

    public void list(Context ctx) {
        AuditQuery q = query(ctx);
        List<AuditEventView> page = service.page(q);
        if (page.size() == q.limit()) {
            ctx.header(CONTINUE_HEADER, Long.toString(page.get(page.size() - 1).id()));
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(page);
    }

    private static AuditQuery query(Context ctx) {
        Instant since = Timestamps.parse("since", ctx.queryParam("since"));
        Instant until = Timestamps.parse("until", ctx.queryParam("until"));
        int limit = Params.queryInt(ctx, "limit", 100, 1, 1_000);
        return AuditQuery.of(ctx.queryParam("actor"), ctx.queryParam("object"), since, until, limit, after(ctx));
    }

    private static Long after(Context ctx) {
        String raw = ctx.queryParam("after");
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long after = Long.parseLong(raw.trim());
            if (after < 1) {
                throw ApiException.invalid("after", "must be a positive event id");
            }
            return after;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after", "must be an event id from a previous page (Aami-Continue)");
        }
    }
}
