package io.aami.server.console.targets;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the target list is asked for: search {@code q}, group and status filters, the order, and where the page
 * starts ({@code after}: the rows past this cursor; {@code before}: the rows before it, for the previous page).
 * Made from the page's query parameters by the handler; values that mean nothing (an unknown sort) fall back to the
 * default rather than fail the page.
 */
public record TargetListQuery(String q, UUID groupId, String status, TargetSort sort, boolean desc, Cursor after, Cursor before) {
    public static final int PAGE = 50;

    /** A position in the order: the sort key of a row (as text) and its id. */
    public record Cursor(String key, UUID id) {
    }

    /** This list's URL with another start (both null: the first page). */
    public String url(Cursor newAfter, Cursor newBefore) {
        return url(sort, desc, newAfter, newBefore);
    }

    /** The first page of this search in another order. */
    public String sortedBy(TargetSort by, boolean descending) {
        return url(by, descending, null, null);
    }

    private String url(TargetSort by, boolean descending, Cursor a, Cursor b) {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "q", q);
        put(p, "group_id", groupId == null ? null : groupId.toString());
        put(p, "status", status);
        put(p, "sort", by == TargetSort.HOSTNAME ? null : by.param());
        put(p, "dir", descending ? "desc" : null);
        if (a != null) {
            p.put("after", a.key());
            p.put("after_id", a.id().toString());
        }
        if (b != null) {
            p.put("before", b.key());
            p.put("before_id", b.id().toString());
        }
        String query = p.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return "/ui/targets" + (query.isEmpty() ? "" : "?" + query);
    }

    private static void put(Map<String, String> p, String name, String value) {
        if (value != null && !value.isEmpty()) {
            p.put(name, value);
        }
    }
}
