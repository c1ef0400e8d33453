package io.aami.server.results;

import io.aami.contract.checks.CheckResultView;
import io.aami.contract.checks.CheckStateView;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.http.HistoryPage;
import io.aami.server.policy.PolicyService;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import java.time.Clock;
import java.time.Duration;
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
    private final LatestCheckStore latest;
    private final Clock clock;

    public CheckStateService(Database db, TargetStore targets, PolicyService policies, CheckResultStore store,
                             LatestCheckStore latest, Clock clock) {
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
        Map<UUID, LatestCheckStore.Row> rows = db.withConnection(c -> latest.forTarget(c, targetId));
        Instant now = clock.instant();
        List<CheckStateView> out = new ArrayList<>();
        for (CheckSpec spec : bundle.checks()) {
            LatestCheckStore.Row r = rows.get(spec.checkId());
            boolean stale = r == null || !Target.ONLINE.equals(target.status())
                    || Staleness.stale(r.receivedAt(), spec.intervalSeconds(), spec.timeoutSeconds(), now);
            out.add(r == null
                    ? new CheckStateView(spec.checkId(), spec.name(), null, null, null, null, null, null, null, null, true)
                    : new CheckStateView(spec.checkId(), spec.name(), CheckStatus.name(r.status()), r.exitCode(), r.output(),
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

    /** Staleness rule shared with the Prometheus export. */
    public static final class Staleness {
        private Staleness() {
        }

        /** No result within 2 × interval + timeout. */
        public static boolean stale(Instant lastReceived, int intervalSeconds, int timeoutSeconds, Instant now) {
            Duration allowed = Duration.ofSeconds(2L * intervalSeconds + timeoutSeconds);
            return lastReceived == null || Duration.between(lastReceived, now).compareTo(allowed) > 0;
        }
    }
}
