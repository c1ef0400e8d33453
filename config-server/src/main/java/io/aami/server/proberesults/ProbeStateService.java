package io.aami.server.proberesults;

import io.aami.server.results.Staleness;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeResultView;
import io.aami.contract.probes.ProbeStateView;
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

/** Read side of probe results of one target: the latest per destination (with staleness) and history. */
public final class ProbeStateService {
    private final Database db;
    private final TargetStore targets;
    private final PolicyService policies;
    private final ProbeLatestStore latest = new ProbeLatestStore();
    private final ProbeResultStore history = new ProbeResultStore();
    private final Clock clock;

    public ProbeStateService(Database db, TargetStore targets, PolicyService policies, Clock clock) {
        this.db = db;
        this.targets = targets;
        this.policies = policies;
        this.clock = clock;
    }

    /** Every destination the target should probe, with its latest result; never-reported ones are stale. */
    public List<ProbeStateView> latest(UUID targetId) {
        Target target = db.withConnection(c -> targets.find(c, targetId)).orElseThrow(() -> ApiException.notFound("target", targetId));
        Map<String, ProbeLatestStore.Row> rows = db.withConnection(c -> latest.forSources(c, List.of(targetId)));
        Instant now = clock.instant();
        List<ProbeStateView> out = new ArrayList<>();
        for (ProbeSpec p : policies.current(targetId).probes()) {
            ProbeLatestStore.Row r = rows.get(ProbeLatestStore.Row.key(targetId, p.probeId(), destKey(p)));
            out.add(new ProbeStateView(p.probeId(), p.name(), p.destinationTargetId(), p.target(), p.targetPort(), p.protocol(),
                    r == null ? null : r.targetIp(), r == null ? null : r.success(), r == null ? null : r.reason(),
                    r == null ? null : r.totalMs(), r == null ? null : r.executedAt(), r == null ? null : r.seq(),
                    stale(target, p, r, now)));
        }
        return out;
    }

    public List<ProbeResultView> history(UUID targetId, UUID probeId, HistoryPage page) {
        if (db.withConnection(c -> targets.find(c, targetId)).isEmpty()) {
            throw ApiException.notFound("target", targetId);
        }
        return db.withConnection(c -> history.history(c, targetId, probeId, page));
    }

    /** Where a probe's results are keyed: the member's id for a group-to-group probe, else the target as written. */
    static String destKey(ProbeSpec p) {
        return p.destinationTargetId() != null ? p.destinationTargetId().toString() : p.target();
    }

    /** {@link Staleness}'s rule, the checks' one: never reported, the source agent not online, or nothing for too long. */
    static boolean stale(Target source, ProbeSpec p, ProbeLatestStore.Row r, Instant now) {
        return r == null || Staleness.stale(Target.ONLINE.equals(source.status()), r.executedAt(), r.receivedAt(), p.intervalSeconds(),
                Staleness.probeTimeoutSeconds(p.timeoutMs()), now);
    }
}
