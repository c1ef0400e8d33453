package io.aami.server.proberesults;

import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeMatrix;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.policy.PolicyService;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The connectivity matrix: for every source target, every probe destination its current policy
 * holds (expanded group-to-group probes included), with the latest result. Cells that should exist
 * but never reported appear with {@code success} null, so a silent pair is visible too.
 */
public final class ProbeMatrixService {
    private static final int MAX_SOURCES = 5_000;

    private final Database db;
    private final TargetStore targets;
    private final PolicyService policies;
    private final ProbeLatestStore latest = new ProbeLatestStore();
    private final Clock clock;

    public ProbeMatrixService(Database db, TargetStore targets, PolicyService policies, Clock clock) {
        this.db = db;
        this.targets = targets;
        this.policies = policies;
        this.clock = clock;
    }

    public ProbeMatrix matrix(UUID sourceGroup, UUID targetGroup) {
        List<Target> sources = db.withConnection(c -> targets.list(c, sourceGroup, null, null, MAX_SOURCES + 1));
        if (sources.size() > MAX_SOURCES) {
            throw ApiException.invalid("source_group_id", "more than " + MAX_SOURCES + " sources; narrow the matrix to a group");
        }
        Set<UUID> wanted = targetGroup == null ? null : db.withConnection(c -> targets.list(c, targetGroup, null, null, 100_000))
                .stream().map(Target::id).collect(Collectors.toSet());
        Map<String, ProbeLatestStore.Row> rows = db.withConnection(c -> latest.forSources(c,
                sources.stream().map(Target::id).toList()));
        Instant now = clock.instant();
        Map<String, ProbeMatrix.Endpoint> destinations = new LinkedHashMap<>();
        List<ProbeMatrix.Cell> cells = new ArrayList<>();
        for (Target s : sources) {
            for (ProbeSpec p : policies.current(s.id()).probes()) {
                if (wanted != null && (p.destinationTargetId() == null || !wanted.contains(p.destinationTargetId()))) {
                    continue;
                }
                String destKey = ProbeStateService.destKey(p);
                destinations.putIfAbsent(destKey, new ProbeMatrix.Endpoint(p.destinationTargetId(), null, p.target()));
                cells.add(cell(s, p, rows.get(ProbeLatestStore.Row.key(s.id(), p.probeId(), destKey)), now));
            }
        }
        List<ProbeMatrix.Endpoint> sourceEndpoints = sources.stream()
                .map(t -> new ProbeMatrix.Endpoint(t.id(), t.hostname(), t.ipAddress())).toList();
        return new ProbeMatrix(sourceEndpoints, withHostnames(destinations, sources), cells);
    }

    private static ProbeMatrix.Cell cell(Target source, ProbeSpec p, ProbeLatestStore.Row r, Instant now) {
        boolean stale = ProbeStateService.stale(source, p, r, now);
        return new ProbeMatrix.Cell(source.id(), p.destinationTargetId(), p.target(), p.targetPort(), p.protocol(), p.probeId(),
                p.name(), r == null ? null : r.success(), r == null ? null : r.reason(),
                r == null ? null : Duration.between(r.executedAt(), now).toMillis() / 1000.0, stale);
    }

    private List<ProbeMatrix.Endpoint> withHostnames(Map<String, ProbeMatrix.Endpoint> destinations, List<Target> known) {
        Map<UUID, String> names = known.stream().collect(Collectors.toMap(Target::id, Target::hostname));
        return destinations.values().stream().map(d -> {
            if (d.targetId() == null) {
                return d;
            }
            String name = names.computeIfAbsent(d.targetId(),
                    id -> db.withConnection(c -> targets.find(c, id)).map(Target::hostname).orElse(null));
            return new ProbeMatrix.Endpoint(d.targetId(), name, d.address());
        }).toList();
    }
}
