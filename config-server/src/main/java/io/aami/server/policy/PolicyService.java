package io.aami.server.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.server.policyscope.PolicyChanges;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import io.aami.server.checks.CheckStore;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.pki.PolicySigner;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Computes each target's effective policy bundle and its version, and caches it until a change
 * notice (from any replica, via the change feed) says it may be stale. A poll whose version is
 * current therefore costs no database work. Many targets are recomputed together ({@link #prepare},
 * then {@link #sign} each, possibly on several threads): their scopes' content is computed once
 * ({@link PolicyBatch}) and each bundle signed over its own header and the shared canonical content, and answered
 * as its own fields around the content's JSON, serialized once ({@link BundleJson}).
 * <ul>
 *   <li>{@code aami_policy_contents_computed_total{kind}}: policy contents computed from the database;
 *   {@code shared}: once per scope (a group, or no group) in a batch, whatever the number of its targets;
 *   {@code own}: once per target that has checks or probes of its own or a group-to-group probe</li>
 *   <li>{@code aami_policy_contents_serialized_total}: checks and probes serialized to JSON, once per content computed;
 *   each agent's answer is its own fields around those bytes ({@link BundleJson})</li>
 * </ul>
 */
public final class PolicyService {
    /** Extra content a bundle carries beyond checks (probes, from the probes feature). */
    @FunctionalInterface
    public interface ProbeSource {
        ProbeSet probesFor(Connection c, Target target) throws SQLException;

        /**
         * The probes every target of {@code groupId} (null: in no group) without probes of its own runs,
         * or empty when they differ per target (then each is asked {@link #probesFor}).
         */
        default java.util.Optional<ProbeSet> sharedProbes(Connection c, UUID groupId) throws SQLException {
            return java.util.Optional.empty();
        }

        /** Of {@code targetIds}, those with probes of their own (computed alone, never from their scope). */
        default Set<UUID> withOwnProbes(Connection c, Collection<UUID> targetIds) throws SQLException {
            return Set.copyOf(targetIds);
        }
    }

    /** A target's probes and the groups whose membership they follow (group-to-group probes). */
    public record ProbeSet(List<ProbeSpec> specs, Set<UUID> destinationGroups) {
        public static ProbeSet none() {
            return new ProbeSet(List.of(), Set.of());
        }
    }

    /**
     * A computed bundle, the group it was computed for and the groups it probes, so a notice can
     * tell whether it touches this bundle.
     */
    record Cached(PolicyBundle bundle, UUID groupId, Set<UUID> destinationGroups, byte[] contentJson) {
        /** The bundle's JSON document, its content's bytes shared with every target of the batch ({@link BundleJson}). */
        byte[] json(ObjectMapper mapper) {
            return BundleJson.document(mapper, bundle, contentJson);
        }

        boolean touchedBy(String payload) {
            if ("global".equals(payload)) {
                return true;
            }
            UUID id = UUID.fromString(payload.substring(payload.indexOf(':') + 1));
            return switch (payload.substring(0, payload.indexOf(':'))) {
                case "target" -> id.equals(bundle.targetId());
                case "group" -> id.equals(groupId);
                case "members" -> destinationGroups.contains(id);
                default -> true;
            };
        }
    }

    /** Targets recomputed together after {@link #prepare}: sign each with {@link #sign}. */
    record Batch(long generation, Instant generatedAt, List<PolicyBatch.Pending> pending) {
    }

    private final Database db;
    private final PolicySigner signer;
    private final Duration bundleTtl;
    private final PolicyBatch batches;
    private final Clock clock;
    private final ConcurrentHashMap<UUID, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a computation that raced with a change is not cached. */
    private final AtomicLong generation = new AtomicLong();
    private final PolicyLoads loads = new PolicyLoads(this::computeAll);

    public PolicyService(Database db, TargetStore targets, CheckStore checks, ProbeSource probes, PolicySigner signer,
                         Duration bundleTtl, Clock clock, PrometheusRegistry registry, ObjectMapper mapper) {
        this.signer = signer;
        this.bundleTtl = bundleTtl;
        this.db = db;
        this.clock = clock;
        Counter computed = Counter.builder().name("aami_policy_contents_computed_total")
                .help("Policy contents computed from the database: shared once per scope in a batch, own per target")
                .labelNames("kind").register(registry);
        Counter serialized = Counter.builder().name("aami_policy_contents_serialized_total")
                .help("Policy contents serialized to JSON for answers: once per content computed, never per agent").register(registry);
        this.batches = new PolicyBatch(targets, checks, probes, computed, serialized, mapper);
    }

    /** The current bundle of {@code targetId}, signed, with at least half its lifetime left. */
    public PolicyBundle current(UUID targetId) {
        return cached(targetId).bundle();
    }

    /**
     * The bundle of {@code targetId} computed now, past the cache (which it refreshes): for a caller that
     * must not act on a bundle a change notice has not reached yet, e.g. before dropping a result whose
     * check the cached bundle does not hold.
     */
    public PolicyBundle recomputed(UUID targetId) {
        return compute(targetId).bundle();
    }

    /**
     * The bundle to answer a poll whose agent holds version {@code known}: the cached one, unless the agent is ahead of
     * it. An agent can only hold a version some recompute drew, so a cache behind the agent is behind the database: a
     * recompute on another replica, or one that read its content just before a change and drew its version just after,
     * has moved the row on. Answering the cached, lower version would be refused by the agent as a rollback and leave it
     * on whatever it holds until the next change; recomputing draws a version above the agent's for today's content.
     * An agent that claims a version nobody drew only costs itself one recompute per poll (its polls are rate-limited).
     */
    Cached forPoll(UUID targetId, long known) {
        Cached hit = cached(targetId);
        return hit.bundle().version() < known ? compute(targetId) : hit;
    }

    Cached cached(UUID targetId) {
        Cached hit = cache.get(targetId);
        boolean fresh = hit != null && clock.instant().plus(bundleTtl.dividedBy(2)).isBefore(hit.bundle().expiresAt());
        return fresh ? hit : compute(targetId);
    }

    /** Change-feed subscriber: forgets bundles a notice may have changed. */
    public void onChange(String topic, String payload) {
        generation.incrementAndGet();
        if (ChangeFeed.RESYNC.equals(topic)) {
            cache.clear();
        } else if (PolicyChanges.TOPIC.equals(topic)) {
            cache.values().removeIf(c -> c.touchedBy(payload));
        }
    }

    /** Reads what {@code targetIds} (those that exist) should run and their versions, in one transaction. */
    Batch prepare(Collection<UUID> targetIds) {
        long before = generation.get();
        Instant now = clock.instant();
        return new Batch(before, now, db.inTransaction(c -> batches.prepare(c, targetIds, now)));
    }

    /** Signs one bundle of {@code batch}; caches it unless a notice arrived since the batch was read. */
    Cached sign(Batch batch, PolicyBatch.Pending p) {
        Instant now = batch.generatedAt();
        PolicyContent content = p.shared().content();
        // Signed over everything that affects execution plus the target, the version and the expiry.
        PolicyBundle bundle = signer.sign(new PolicyBundle(p.version(), p.targetId(), now, now.plus(bundleTtl),
                content.checks(), content.probes(), null, null), p.shared().canonical());
        Cached fresh = new Cached(bundle, p.groupId(), p.shared().destinationGroups(), p.shared().json());
        if (generation.get() == batch.generation()) {
            cache.put(p.targetId(), fresh);
            // A notice that came between the check and the put cleared the cache before this entry was in it.
            if (generation.get() != batch.generation()) {
                cache.remove(p.targetId(), fresh);
            }
        }
        return fresh;
    }

    /** {@code targetId}'s bundle computed now, in a batch with whatever other targets are asked for meanwhile ({@link PolicyLoads}). */
    private Cached compute(UUID targetId) {
        Cached computed = loads.load(targetId);
        if (computed == null) {
            throw ApiException.notFound("target", targetId);
        }
        return computed;
    }

    private Map<UUID, Cached> computeAll(Collection<UUID> targetIds) {
        Batch batch = prepare(targetIds);
        Map<UUID, Cached> out = new HashMap<>();
        for (PolicyBatch.Pending p : batch.pending()) {
            out.put(p.targetId(), sign(batch, p));
        }
        return out;
    }
}
