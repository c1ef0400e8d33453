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
 * read and drawn in at most three statements for the whole batch, or for each slice of it ({@link #plan},
 * then {@link #versions}).
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

    /** One target's content, before its version is read. */
    record Planned(UUID targetId, UUID groupId, Shared shared) {
    }

    /** The bundles of those of {@code ids} that exist (missing targets are left out), unsigned. */
    List<Pending> prepare(Connection c, Collection<UUID> ids, Instant now) throws SQLException {
        return versions(c, plan(c, ids), now);
    }

    /**
     * What those of {@code ids} that exist run, each scope's content computed once for all its targets; their
     * versions are read apart ({@link #versions}), so that a large batch can draw them in slices, each slice
     * answered while the next is read.
     */
    List<Planned> plan(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, UUID> groups = targets.groupsOf(c, ids);
        Set<UUID> own = new HashSet<>(checks.withOwnChecks(c, groups.keySet()));
        own.addAll(probes.withOwnProbes(c, groups.keySet()));
        Map<UUID, Optional<Shared>> byScope = new HashMap<>();
        List<Planned> out = new ArrayList<>(groups.size());
        for (Map.Entry<UUID, UUID> e : groups.entrySet()) {
            UUID group = e.getValue();
            Optional<Shared> scope = Optional.empty();
            if (!own.contains(e.getKey())) {
                if (!byScope.containsKey(group)) {
                    byScope.put(group, scopeContent(c, group));
                }
                scope = byScope.get(group);
            }
            out.add(new Planned(e.getKey(), group, scope.isPresent() ? scope.get() : ownContent(c, e.getKey())));
        }
        return out;
    }

    /** {@code planned} with the version of each one's content, drawn where it changed (three statements at most). */
    List<Pending> versions(Connection c, List<Planned> planned, Instant now) throws SQLException {
        Map<UUID, String> hashes = new HashMap<>();
        planned.forEach(p -> hashes.put(p.targetId(), p.shared().sha256()));
        Map<UUID, Long> versions = store.versionsFor(c, hashes, now);
        List<Pending> out = new ArrayList<>(planned.size());
        planned.forEach(p -> out.add(new Pending(p.targetId(), p.groupId(), versions.get(p.targetId()), p.shared())));
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
