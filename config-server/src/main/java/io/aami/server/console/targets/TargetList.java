package io.aami.server.console.targets;

import java.util.List;

/**
 * A page of the target list: its rows, the number of targets the search matches, the groups (for the filter and the
 * move), and the cursors of the neighbouring pages (null where there is none).
 */
public record TargetList(List<TargetRow> rows, long total, List<GroupOption> groups, TargetListQuery.Cursor next,
                         TargetListQuery.Cursor previous) {
}
