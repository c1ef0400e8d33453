package io.aami.server.console.targets;

import io.aami.server.console.Page;
import java.util.List;

/** What the target list template shows: the frame, the search asked for, and the page found. */
public record TargetListPage(Page page, TargetListQuery query, TargetList list) {
    public static final List<String> STATUSES = List.of("pending", "online", "offline", "revoked");

    public String nextUrl() {
        return list.next() == null ? null : query.url(list.next(), null);
    }

    public String previousUrl() {
        return list.previous() == null ? null : query.url(null, list.previous());
    }

    /** The first page in {@code sort}'s order: ascending, or descending when already sorted ascending by it. */
    public String sortUrl(TargetSort sort) {
        return query.sortedBy(sort, query.sort() == sort && !query.desc());
    }

    /** {@code aria-sort} of a column header: null for the columns the list is not sorted by. */
    public String ariaSort(TargetSort sort) {
        return query.sort() != sort ? null : query.desc() ? "descending" : "ascending";
    }

    public boolean groupChosen(GroupOption g) {
        return g.id().equals(query.groupId());
    }
}
