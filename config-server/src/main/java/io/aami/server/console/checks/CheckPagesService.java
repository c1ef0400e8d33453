package io.aami.server.console.checks;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.checks.CheckView;
import io.aami.server.checks.CheckService;
import io.aami.server.console.GroupSizes;
import io.aami.server.console.Reach;
import io.aami.server.db.Database;
import io.aami.server.groups.GroupService;
import io.aami.server.results.Staleness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the check pages show, each page from a fixed number of queries whatever the number of checks or targets: the
 * checks (one query), live targets per group (one grouped query), failing results per check (one grouped query over
 * the failing rows only), and for one check its row (the checks of its name, the live targets per group, its failing
 * count), its status counts and failing targets.
 */
final class CheckPagesService {
    private final Database db;
    private final CheckPagesStore store;
    private final CheckService checks;
    private final GroupService groups;
    private final List<String> interpreters;
    private final Clock clock;

    CheckPagesService(Database db, CheckPagesStore store, CheckService checks, GroupService groups, List<String> interpreters,
                      Clock clock) {
        this.db = db;
        this.store = store;
        this.checks = checks;
        this.groups = groups;
        this.interpreters = List.copyOf(interpreters);
        this.clock = clock;
    }

    /** The checks with their counts, one snapshot; the list is one longer than shown when there are more. */
    List<CheckRow> list() {
        return db.inTransaction(c -> {
            List<CheckRow> rows = store.checks(c, CheckPagesStore.MAX_CHECKS + 1);
            Reach reach = new Reach(GroupSizes.liveTargetsByGroup(c), rows);
            Map<UUID, Long> failing = store.failingByCheck(c);
            return rows.stream().map(r -> r.counted(reach.appliesTo(r), failing.getOrDefault(r.id(), 0L))).toList();
        });
    }

    /**
     * The list's row of the check {@code id} (null if it is gone), counted from the checks of its name only: the same
     * counts as the list's, without reading every check.
     */
    CheckRow row(UUID id) {
        return db.inTransaction(c -> {
            List<CheckRow> namesakes = store.namesakes(c, id);
            CheckRow row = namesakes.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
            if (row == null) {
                return null;
            }
            Reach reach = new Reach(GroupSizes.liveTargetsByGroup(c), namesakes);
            return row.counted(reach.appliesTo(row), store.failingOf(c, id));
        });
    }

    /** The check {@code id} (a 404 if none) as stored: the caller hides what its viewer may not see. */
    CheckView check(UUID id) {
        return checks.get(id);
    }

    /** The latest statuses of the check's live targets, every status present in code order. */
    Map<String, Long> statuses(UUID id) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (CheckStatus s : CheckStatus.values()) {
            out.put(s.wire(), 0L);
        }
        db.withConnection(c -> store.statusCounts(c, id)).forEach((code, n) -> out.merge(CheckStatus.fromCode(code).wire(), n, Long::sum));
        return out;
    }

    /** The failing targets of {@code check}, worst first, each marked stale by the results' rule. */
    List<FailingTarget> failing(CheckView check) {
        Instant now = clock.instant();
        return db.withConnection(c -> store.failing(c, check.id(), CheckPagesStore.MAX_FAILING)).stream()
                .map(r -> new FailingTarget(r.id(), r.hostname(), CheckStatus.fromCode(r.code()).wire(),
                        FailingTarget.firstLine(r.output()),
                        Math.max(0, Duration.between(Staleness.judgedAt(r.executedAt(), r.receivedAt()), now).toSeconds()),
                        Staleness.stale("online".equals(r.targetStatus()), r.executedAt(), r.receivedAt(),
                                check.intervalSeconds(), check.timeoutSeconds(), now)))
                .toList();
    }

    /** The form for {@code check} (null: a new one). */
    CheckForm form(CheckView check) {
        return new CheckForm(check, groups.list(), interpreters);
    }
}
