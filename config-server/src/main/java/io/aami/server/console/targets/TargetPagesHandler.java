package io.aami.server.console.targets;

import io.aami.server.console.Console;
import io.aami.server.error.ApiException;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;

/**
 * HTTP for the target pages: the list ({@code /ui/targets}) and one target ({@code /ui/targets/{id}}). The list's
 * parameters are read leniently (an unknown sort or status is the default, an over-long search is cut, a cursor that
 * is not its sort's is the first page): a page
 * always answers. An id that names no target is a 404 (the console's error page).
 */
public final class TargetPagesHandler {
    static final int MAX_SEARCH = 200;
    /** A cursor's sort key is a hostname (≤ 253), a group name or a time: longer is not one we sent. */
    static final int MAX_CURSOR = 600;

    private final Console console;
    private final TargetListService lists;
    private final TargetDetailService details;

    TargetPagesHandler(Console console, TargetListService lists, TargetDetailService details) {
        this.console = console;
        this.lists = lists;
        this.details = details;
    }

    public void list(Context ctx) {
        TargetListQuery q = query(ctx);
        console.render(ctx, "targets/list.jte", new TargetListPage(console.page(ctx, "targets"), q, lists.list(q)));
    }

    public void detail(Context ctx) {
        String raw = ctx.pathParam("id");
        TargetDetail found = uuid(raw).flatMap(details::detail)
                .orElseThrow(() -> ApiException.notFound("target", uuid(raw).isPresent() ? raw : "(malformed id)"));
        console.render(ctx, "targets/detail.jte", new TargetDetailPage(console.page(ctx, "targets"), found));
    }

    static TargetListQuery query(Context ctx) {
        String q = trimmed(ctx.queryParam("q"));
        if (q != null && q.length() > MAX_SEARCH) {
            q = q.substring(0, MAX_SEARCH);
        }
        String status = trimmed(ctx.queryParam("status"));
        if (status != null && !TargetListPage.STATUSES.contains(status)) {
            status = null;
        }
        TargetSort sort = TargetSort.of(ctx.queryParam("sort")).orElse(TargetSort.HOSTNAME);
        return new TargetListQuery(q, uuid(ctx.queryParam("group_id")).orElse(null), status, sort,
                "desc".equals(ctx.queryParam("dir")), cursor(ctx, "after", sort), cursor(ctx, "before", sort));
    }

    /** A cursor that is not one of {@code sort}'s (made up, or of another order) is none: the first page. */
    private static TargetListQuery.Cursor cursor(Context ctx, String name, TargetSort sort) {
        String key = ctx.queryParam(name);
        Optional<UUID> id = uuid(ctx.queryParam(name + "_id"));
        if (key == null || key.length() > MAX_CURSOR || id.isEmpty() || !sort.accepts(key)) {
            return null;
        }
        return new TargetListQuery.Cursor(key, id.get());
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Optional<UUID> uuid(String s) {
        try {
            return s == null || s.length() != 36 ? Optional.empty() : Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
