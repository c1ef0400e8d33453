package io.aami.server.audit;

import io.aami.contract.audit.AuditEventView;
import io.aami.server.error.ApiException;
import io.aami.server.http.Params;
import io.aami.server.http.Timestamps;
import io.aami.server.validation.Fields;
import io.aami.server.validation.StorableText;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * HTTP for {@code GET /api/v1/audit?actor=&object=&since=&until=&limit=&after=}: newest first, at most
 * {@code limit} (default 100, at most 1,000); when a page is full, the {@code Aami-Continue} header holds the
 * {@code after} of the next. Every parameter is checked here; a bad one is a 400 naming it.
 */
public final class AuditHandler {
    static final String CONTINUE_HEADER = "Aami-Continue";
    static final Set<String> TYPES = Set.of(Change.GROUP, Change.TARGET, Change.CHECK, Change.PROBE, Change.BOOTSTRAP_TOKEN,
            Change.USER, Change.USER_TOKEN);
    private static final int MAX_NAME = 200;
    private static final int MAX_OBJECT = 150;
    /** An actor in this form is a user's id; anything else is a name. */
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

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
        String actor = text(ctx, "actor", MAX_NAME);
        UUID actorId = actor != null && UUID_FORM.matcher(actor).matches() ? Fields.uuid("actor", actor) : null;
        String[] object = object(text(ctx, "object", MAX_OBJECT));
        Instant since = Timestamps.parse("since", ctx.queryParam("since"));
        Instant until = Timestamps.parse("until", ctx.queryParam("until"));
        if (since != null && until != null && !since.isBefore(until)) {
            throw ApiException.invalid("until", "must be later than since");
        }
        int limit = Params.queryInt(ctx, "limit", 100, 1, 1_000);
        return new AuditQuery(actorId, actorId == null ? actor : null, object[0], object[1], since, until, limit, after(ctx));
    }

    /** {@code type}, {@code type:id} or an id of any type: {type, id}, either null. */
    private static String[] object(String object) {
        if (object == null) {
            return new String[2];
        }
        int colon = object.indexOf(':');
        if (colon >= 0) {
            String type = object.substring(0, colon);
            String id = object.substring(colon + 1);
            if (!TYPES.contains(type) || id.isEmpty()) {
                throw ApiException.invalid("object", "must be a type (one of " + String.join(", ", TYPES.stream().sorted().toList())
                        + "), type:id, or an id");
            }
            return new String[] {type, id};
        }
        return TYPES.contains(object) ? new String[] {object, null} : new String[] {null, object};
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

    private static String text(Context ctx, String name, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        String trimmed = StorableText.require(name, Fields.optional(name, v, max));
        return trimmed.isEmpty() ? null : trimmed;
    }
}
