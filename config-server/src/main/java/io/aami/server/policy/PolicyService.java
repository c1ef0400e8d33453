package io.aami.server.policy;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computes each target's effective policy bundle and its version, and caches it until a change
 * notice (from any replica, via the change feed) says it may be stale. A poll whose version is
 * current therefore costs no database work.
 */
public final class PolicyService {
    /** Extra content a bundle carries beyond checks (probes, from the probes feature). */
    @FunctionalInterface
    public interface ProbeSource {
        ProbeSet probesFor(Connection c, Target target) throws SQLException;
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
    record Cached(PolicyBundle bundle, UUID groupId, Set<UUID> destinationGroups) {
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

    private final Database db;
    private final TargetStore targets;
    private final CheckStore checks;
    private final ProbeSource probes;
    private final PolicySigner signer;
    private final Duration bundleTtl;
    private final PolicyStore store = new PolicyStore();
    private final Clock clock;
    private final ConcurrentHashMap<UUID, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a computation that raced with a change is not cached. */
    private final AtomicLong generation = new AtomicLong();

    public PolicyService(Database db, TargetStore targets, CheckStore checks, ProbeSource probes, PolicySigner signer,
                         Duration bundleTtl, Clock clock) {
        this.signer = signer;
        this.bundleTtl = bundleTtl;
        this.db = db;
        this.targets = targets;
        this.checks = checks;
        this.probes = probes;
        this.clock = clock;
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

    private Cached compute(UUID targetId) {
        long before = generation.get();
        Cached unsigned = db.inTransaction(c -> {
            Target target = targets.find(c, targetId).orElseThrow(() -> ApiException.notFound("target", targetId));
            ProbeSet probeSet = probes.probesFor(c, target);
            PolicyContent content = PolicyContent.of(checks.applicable(c, target.groupId(), targetId), probeSet.specs());
            Instant now = clock.instant();
            long version = store.versionFor(c, targetId, content.sha256(), now);
            return new Cached(new PolicyBundle(version, targetId, now, now.plus(bundleTtl), content.checks(),
                    content.probes(), null, null), target.groupId(), probeSet.destinationGroups());
        });
        // Signed over everything that affects execution plus the target, the version and the expiry; after
        // the commit, so no pooled connection waits while the canonical form is made and signed.
        Cached fresh = new Cached(signer.sign(unsigned.bundle()), unsigned.groupId(), unsigned.destinationGroups());
        if (generation.get() == before) {
            cache.put(targetId, fresh);
        }
        return fresh;
    }
}
