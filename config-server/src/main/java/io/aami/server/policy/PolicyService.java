package io.aami.server.policy;

import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.policy.ProbeSpec;
import io.aami.server.checks.CheckStore;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.http.ApiException;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
        List<ProbeSpec> probesFor(Connection c, Target target) throws SQLException;
    }

    /** A computed bundle and the group it was computed for (to know which notices touch it). */
    record Cached(PolicyBundle bundle, UUID groupId) {
    }

    private final Database db;
    private final TargetStore targets;
    private final CheckStore checks;
    private final ProbeSource probes;
    private final PolicyStore store = new PolicyStore();
    private final Clock clock;
    private final ConcurrentHashMap<UUID, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a computation that raced with a change is not cached. */
    private final AtomicLong generation = new AtomicLong();

    public PolicyService(Database db, TargetStore targets, CheckStore checks, ProbeSource probes, Clock clock) {
        this.db = db;
        this.targets = targets;
        this.checks = checks;
        this.probes = probes;
        this.clock = clock;
    }

    /** The current bundle of {@code targetId}. */
    public PolicyBundle current(UUID targetId) {
        Cached hit = cache.get(targetId);
        return hit != null ? hit.bundle() : compute(targetId).bundle();
    }

    Cached cached(UUID targetId) {
        Cached hit = cache.get(targetId);
        return hit != null ? hit : compute(targetId);
    }

    /** Change-feed subscriber: forgets bundles a notice may have changed. */
    public void onChange(String topic, String payload) {
        generation.incrementAndGet();
        if (ChangeFeed.RESYNC.equals(topic) || (PolicyChanges.TOPIC.equals(topic) && "global".equals(payload))) {
            cache.clear();
        } else if (PolicyChanges.TOPIC.equals(topic)) {
            UUID id = UUID.fromString(payload.substring(payload.indexOf(':') + 1));
            if (payload.startsWith("target:")) {
                cache.remove(id);
            } else if (payload.startsWith("group:")) {
                cache.values().removeIf(c -> id.equals(c.groupId()));
            }
        }
    }

    private Cached compute(UUID targetId) {
        long before = generation.get();
        Cached fresh = db.inTransaction(c -> {
            Target target = targets.find(c, targetId).orElseThrow(() -> ApiException.notFound("target", targetId));
            PolicyContent content = PolicyContent.of(checks.applicable(c, target.groupId(), targetId), probes.probesFor(c, target));
            Instant now = clock.instant();
            long version = store.versionFor(c, targetId, content.sha256(), now);
            PolicyBundle bundle = new PolicyBundle(version, targetId, now, null, content.checks(), content.probes(), null, null);
            return new Cached(bundle, target.groupId());
        });
        if (generation.get() == before) {
            cache.put(targetId, fresh);
        }
        return fresh;
    }
}
