package io.aami.server.console;

import io.aami.contract.checks.CheckStatus;
import io.aami.contract.console.FleetSummary;
import io.aami.server.db.Database;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet at a glance: targets by status and checks by their latest result's status, every status present (zero
 * included) in a fixed order, so a page shows the same boxes whatever the fleet holds. One snapshot: both counts in
 * one transaction. Staleness is not applied here (a latest result too old for its interval still counts as its status).
 */
final class FleetSummaryService {
    static final List<String> TARGET_STATUSES = List.of("online", "offline", "pending", "revoked");

    private final Database db;
    private final FleetSummaryStore store;
    private final Clock clock;

    FleetSummaryService(Database db, FleetSummaryStore store, Clock clock) {
        this.db = db;
        this.store = store;
        this.clock = clock;
    }

    FleetSummary summary() {
        return db.inTransaction(c -> {
            Map<String, Long> targets = new LinkedHashMap<>();
            Map<String, Long> found = store.targetsByStatus(c);
            TARGET_STATUSES.forEach(s -> targets.put(s, found.getOrDefault(s, 0L)));
            Map<String, Long> checks = new LinkedHashMap<>();
            for (CheckStatus s : CheckStatus.values()) {
                checks.put(s.wire(), 0L);
            }
            store.checksByStatusCode(c).forEach((code, n) -> checks.merge(CheckStatus.fromCode(code).wire(), n, Long::sum));
            return new FleetSummary(targets, checks, clock.instant());
        });
    }
}
