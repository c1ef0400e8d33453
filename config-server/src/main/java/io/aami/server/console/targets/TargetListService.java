package io.aami.server.console.targets;

import io.aami.server.db.Database;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a page of the target list in one transaction (one snapshot): the page's rows (one query, whatever the number
 * of rows: a keyset on (sort key, id), so a late page costs what the first does), the search's count and the groups.
 * One row more than a page is read to know whether another page follows.
 */
final class TargetListService {
    private final Database db;
    private final TargetListStore store = new TargetListStore();

    TargetListService(Database db) {
        this.db = db;
    }

    TargetList list(TargetListQuery q) {
        TargetListStore.Filter f = TargetListStore.filter(q);
        return db.inTransaction(c -> {
            boolean backwards = q.before() != null && q.after() == null;
            List<TargetRow> rows = new ArrayList<>(store.page(c, f, q.sort(), q.desc() == backwards,
                    backwards ? q.before() : q.after(), TargetListQuery.PAGE + 1));
            boolean more = rows.size() > TargetListQuery.PAGE;
            if (more) {
                rows.remove(rows.size() - 1);
            }
            if (backwards) {
                Collections.reverse(rows);
            }
            boolean hasNext = backwards ? !rows.isEmpty() : more;
            boolean hasPrevious = backwards ? more : q.after() != null && !rows.isEmpty();
            return new TargetList(List.copyOf(rows), store.count(c, f), store.groups(c),
                    hasNext ? cursor(rows.get(rows.size() - 1)) : null, hasPrevious ? cursor(rows.get(0)) : null);
        });
    }

    private static TargetListQuery.Cursor cursor(TargetRow r) {
        return new TargetListQuery.Cursor(r.sortKey(), r.id());
    }
}
