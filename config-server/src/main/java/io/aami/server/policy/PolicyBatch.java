package io.aami.server.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.server.checks.CheckStore;
import io.aami.server.error.ApiException;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The database half of recomputing many targets' bundles at once (all the long polls one notice
 * woke): the content a scope shares (a group's checks and probes with the global ones, or the global
 * ones alone for targets in no group) is read, hashed, rendered in canonical form and serialized once, whatever
 * the number of its targets. Only a target with checks or probes of its own, or in a scope with a
 * group-to-group probe (whose expansion leaves out each source), is computed alone. Versions are
 * read and drawn for the whole batch in at most three statements.
 */
final class PolicyBatch {
    /**
     * Content as bundles carry it: the lists, their hash, their canonical form (signed), their JSON ({@link BundleJson},
     * answered) and the groups it probes.
     */
    record Shared(PolicyContent content, String sha256, PolicyCanonicalForm.Content canonical, byte[] json,
                  Set<UUID> destinationGroups) {
    }

    /** One target's bundle, ready to be signed. */
    record Pending(UUID targetId, UUID groupId, long version, Shared shared) {
    }

    private final TargetStore targets;
    private final CheckStore checks;
    private final PolicyService.ProbeSource probes;
    private final PolicyStore store = new PolicyStore();
    private final CounterDataPoint sharedComputed;
    private final CounterDataPoint ownComputed;
    private final ObjectMapper mapper;

    private final CounterDataPoint serialized;

    PolicyBatch(TargetStore targets, CheckStore checks, PolicyService.ProbeSource probes, Counter computed, Counter serialized,
                ObjectMapper mapper) {
        this.mapper = mapper;
        this.serialized = serialized.labelValues();
        this.targets = targets;
        this.checks = checks;
        this.probes = probes;
        this.sharedComputed = computed.labelValues("shared");
        this.ownComputed = computed.labelValues("own");
    }

    /** The bundles of those of {@code ids} that exist (missing targets are left out), unsigned. */
    List<Pending> prepare(Connection c, Collection<UUID> ids, Instant now) throws SQLException {
        Map<UUID, UUID> groups = targets.groupsOf(c, ids);
        Set<UUID> own = new HashSet<>(checks.withOwnChecks(c, groups.keySet()));
        own.addAll(probes.withOwnProbes(c, groups.keySet()));
        Map<UUID, Optional<Shared>> byScope = new HashMap<>();
        Map<UUID, Shared> content = new HashMap<>();
        for (Map.Entry<UUID, UUID> e : groups.entrySet()) {
            UUID group = e.getValue();
            Optional<Shared> scope = Optional.empty();
            if (!own.contains(e.getKey())) {
                if (!byScope.containsKey(group)) {
                    byScope.put(group, scopeContent(c, group));
                }
                scope = byScope.get(group);
            }
            content.put(e.getKey(), scope.isPresent() ? scope.get() : ownContent(c, e.getKey()));
        }
        Map<UUID, String> hashes = new HashMap<>();
        content.forEach((id, s) -> hashes.put(id, s.sha256()));
        Map<UUID, Long> versions = store.versionsFor(c, hashes, now);
        List<Pending> out = new ArrayList<>(content.size());
        content.forEach((id, s) -> out.add(new Pending(id, groups.get(id), versions.get(id), s)));
        return out;
    }

    private Optional<Shared> scopeContent(Connection c, UUID groupId) throws SQLException {
        Optional<PolicyService.ProbeSet> scopeProbes = probes.sharedProbes(c, groupId);
        if (scopeProbes.isEmpty()) {
            return Optional.empty();
        }
        sharedComputed.inc();
        // With no target id, the store yields the global and group checks only.
        PolicyContent pc = PolicyContent.of(checks.applicable(c, groupId, null), scopeProbes.get().specs());
        return Optional.of(shared(pc, scopeProbes.get().destinationGroups()));
    }

    private Shared ownContent(Connection c, UUID targetId) throws SQLException {
        ownComputed.inc();
        Target target = targets.find(c, targetId).orElseThrow(() -> ApiException.notFound("target", targetId));
        PolicyService.ProbeSet probeSet = probes.probesFor(c, target);
        PolicyContent pc = PolicyContent.of(checks.applicable(c, target.groupId(), targetId), probeSet.specs());
        return shared(pc, probeSet.destinationGroups());
    }

    private Shared shared(PolicyContent content, Set<UUID> destinationGroups) {
        serialized.inc();
        return new Shared(content, content.sha256(), PolicyCanonicalForm.content(content.checks(), content.probes()),
                BundleJson.content(mapper, content.checks(), content.probes()), destinationGroups);
    }
}
