package io.aami.server.console.audit;

import io.aami.contract.ErrorCode;
import io.aami.contract.audit.AuditEventView;
import io.aami.server.audit.AuditQuery;
import io.aami.server.audit.AuditService;
import io.aami.server.console.Console;
import io.aami.server.error.ApiException;
import io.aami.server.http.Timestamps;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * HTTP for {@code /ui/audit}: the filters checked by the API's own rule ({@link AuditQuery#of}), one query for a
 * page of {@link #PAGE} events (an index range on the filter's index, newest first). A refused filter draws the page
 * with the message at its field (400), not a JSON error. Times may be typed without a zone: they are UTC then.
 */
public final class AuditPageHandler {
    static final int PAGE = 50;
    private static final String PATH = "/ui/audit";

    private final Console console;
    private final AuditService audit;
    private final AuditDiff diff;

    AuditPageHandler(Console console, AuditService audit, AuditDiff diff) {
        this.console = console;
        this.audit = audit;
        this.diff = diff;
    }

    public void page(Context ctx) {
        AuditPage.Filters f = new AuditPage.Filters(ctx.queryParam("actor"), ctx.queryParam("object"), ctx.queryParam("since"),
                ctx.queryParam("until"));
        String after = ctx.queryParam("after");
        List<AuditEventView> events = List.of();
        String error = null;
        String field = null;
        try {
            events = audit.page(AuditQuery.of(f.actor(), f.object(), when("since", f.since()), when("until", f.until()), PAGE,
                    after(after)));
        } catch (ApiException e) {
            if (e.code() != ErrorCode.VALIDATION_FAILED) {
                throw e;
            }
            error = e.getMessage();
            field = e.field();
            ctx.status(400);
        }
        String older = events.size() == PAGE ? url(f, events.get(events.size() - 1).id()) : null;
        String newest = after == null || after.isBlank() ? null : url(f, null);
        console.render(ctx, "audit/page.jte", new AuditPage(console.page(ctx, "audit"), f, error, field,
                events.stream().map(diff::event).toList(), older, newest));
    }

    /** An ISO-8601 time with a zone, or without one (a date, or a date and time) read as UTC; blank is none. */
    static Instant when(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.trim();
        try {
            return Timestamps.require(field, OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            // Not with a zone; try without.
        }
        try {
            return Timestamps.require(field, LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            // Not a date and time; try a date.
        }
        try {
            return Timestamps.require(field, LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "is not a time such as 2026-12-01, 2026-12-01T10:00 (UTC) or 2026-12-01T10:00:00+01:00");
        }
    }

    private static Long after(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after", "must be an event id from the older link");
        }
    }

    /** This page with the same filters, from {@code after} (null: the newest). */
    private static String url(AuditPage.Filters f, Long after) {
        StringBuilder q = new StringBuilder();
        param(q, "actor", f.actor());
        param(q, "object", f.object());
        param(q, "since", f.since());
        param(q, "until", f.until());
        param(q, "after", after == null ? null : after.toString());
        return q.length() == 0 ? PATH : PATH + "?" + q.substring(1);
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null && !value.isBlank()) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value.trim(), StandardCharsets.UTF_8));
        }
    }
}
