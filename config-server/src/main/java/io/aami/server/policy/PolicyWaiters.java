package io.aami.server.policy;

import io.aami.server.policyscope.PolicyChanges;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.db.ChangeFeed;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long polls: an agent whose version is current waits here, holding no thread, until a change
 * notice for its scope arrives (from any replica) and its recomputed bundle differs, or until its
 * deadline (then: not modified). Recomputation runs on a small bounded pool.
 */
public final class PolicyWaiters {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWaiters.class);

    private final PolicyService service;
    private final ScheduledExecutorService timers;
    private final ExecutorService recompute;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

    private record Waiter(UUID targetId, PolicyService.Cached seen, long knownVersion,
                          CompletableFuture<Optional<PolicyBundle>> future) {
    }

    public PolicyWaiters(PolicyService service, ScheduledExecutorService timers, ExecutorService recompute) {
        this.service = service;
        this.timers = timers;
        this.recompute = recompute;
    }

    /** Completes with the new bundle once it differs from {@code knownVersion}, or empty after {@code wait}. */
    public CompletableFuture<Optional<PolicyBundle>> await(UUID targetId, long knownVersion, Duration wait) {
        PolicyService.Cached now = service.cached(targetId);
        Waiter w = new Waiter(targetId, now, knownVersion, new CompletableFuture<>());
        waiters.add(w);
        ScheduledFuture<?> deadline = timers.schedule(() -> w.future().complete(Optional.empty()), wait.toMillis(),
                TimeUnit.MILLISECONDS);
        w.future().whenComplete((r, e) -> {
            waiters.remove(w);
            deadline.cancel(false);
        });
        // A change that landed between the caller's check and our registration must not be missed.
        offer(w, service.current(targetId));
        return w.future();
    }

    public int waiting() {
        return waiters.size();
    }

    /** Answers every waiting poll with "not modified" (shutdown): agents re-poll, possibly another replica. */
    public void releaseAll() {
        waiters.forEach(w -> w.future().complete(Optional.empty()));
    }

    /** Change-feed subscriber: invalidates the cache, then re-evaluates every waiter the notice may touch. */
    public void onChange(String topic, String payload) {
        service.onChange(topic, payload);
        if (!PolicyChanges.TOPIC.equals(topic) && !ChangeFeed.RESYNC.equals(topic)) {
            return;
        }
        Set<UUID> targets = new HashSet<>();
        for (Waiter w : waiters) {
            if (touches(w, topic, payload)) {
                targets.add(w.targetId());
            }
        }
        targets.forEach(t -> recompute.execute(() -> reevaluate(t)));
    }

    private void reevaluate(UUID targetId) {
        try {
            PolicyBundle fresh = service.current(targetId);
            waiters.stream().filter(w -> w.targetId().equals(targetId)).forEach(w -> offer(w, fresh));
        } catch (RuntimeException e) {
            // The next notice or the deadline answers the poll; the agent then simply polls again.
            LOG.warn("cannot recompute policy of {}: {}", targetId, e.getMessage());
        }
    }

    private static void offer(Waiter w, PolicyBundle bundle) {
        if (bundle.version() != w.knownVersion()) {
            w.future().complete(Optional.of(bundle));
        }
    }

    private static boolean touches(Waiter w, String topic, String payload) {
        return ChangeFeed.RESYNC.equals(topic) || w.seen().touchedBy(payload);
    }
}
