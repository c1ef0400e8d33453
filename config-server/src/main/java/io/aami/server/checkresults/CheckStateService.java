package io.aami.server.checkresults;

import io.aami.contract.checks.CheckStatus;
import io.aami.server.results.Staleness;
import io.aami.contract.checks.CheckResultView;
import io.aami.contract.checks.CheckStateView;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.results.HistoryPage;
import io.aami.server.policy.PolicyService;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Read side of check results: latest state per check of a target (with staleness) and history. */
public final class CheckStateService {
    private final Database db;
    private final TargetStore targets;
    private final PolicyService policies;
    private final CheckResultStore store;
    private final CheckLatestStore latest;
    private final Clock clock;

    public CheckStateService(Database db, TargetStore targets, PolicyService policies, CheckResultStore store,
                             CheckLatestStore latest, Clock clock) {
        this.db = db;
        this.targets = targets;
        this.policies = policies;
        this.store = store;
        this.latest = latest;
        this.clock = clock;
    }

    /** Every check the target should run, with its latest result; never-reported checks are stale. */
    public List<CheckStateView> latest(UUID targetId) {
        Target target = db.withConnection(c -> targets.find(c, targetId)).orElseThrow(() -> ApiException.notFound("target", targetId));
        PolicyBundle bundle = policies.current(targetId);
        Map<UUID, CheckLatestStore.Row> rows = db.withConnection(c -> latest.forTarget(c, targetId));
        Instant now = clock.instant();
        List<CheckStateView> out = new ArrayList<>();
        for (CheckSpec spec : bundle.checks()) {
            CheckLatestStore.Row r = rows.get(spec.checkId());
            boolean stale = r == null || Staleness.stale(Target.ONLINE.equals(target.status()), r.executedAt(), r.receivedAt(),
                    spec.intervalSeconds(), spec.timeoutSeconds(), now);
            out.add(r == null
                    ? new CheckStateView(spec.checkId(), spec.name(), null, null, null, null, null, null, null, null, true)
                    : new CheckStateView(spec.checkId(), spec.name(), CheckStatus.fromCode(r.status()).wire(), r.exitCode(), r.output(),
                    r.truncated(), r.timedOut(), r.durationMs(), r.executedAt(), r.seq(), stale));
        }
        return out;
    }

    public List<CheckResultView> history(UUID targetId, UUID checkId, HistoryPage page) {
        if (db.withConnection(c -> targets.find(c, targetId)).isEmpty()) {
            throw ApiException.notFound("target", targetId);
        }
        return db.withConnection(c -> store.history(c, targetId, checkId, page));
    }
}
