package io.aami.server.policy;

import io.aami.server.policyscope.PolicyChanges;
import io.aami.server.db.ChangeFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * deadline (then: not modified). The targets one notice touches are recomputed together: one
 * transaction reads their scopes' content and versions ({@link PolicyService#prepare}), then their
 * bundles are signed in slices on the small bounded pool, each waiter answered as soon as its
 * bundle is signed.
 */
public final class PolicyWaiters {
    /** Bundles signed per task: small enough to spread a large batch over the pool, large enough to be cheap. */
    static final int SLICE = 256;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWaiters.class);

    private final PolicyService service;
    private final ScheduledExecutorService timers;
    private final ExecutorService recompute;
    /** Waiters by target: a recomputed bundle reaches its target's polls without a scan of all of them. */
    private final ConcurrentHashMap<UUID, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    /** Set at shutdown: the API still answers for a moment, and a poll parked then would be cut off. */
    private volatile boolean released;

    private record Waiter(UUID targetId, PolicyService.Cached seen, long knownVersion,
                          CompletableFuture<Optional<PolicyService.Cached>> future) {
    }

    public PolicyWaiters(PolicyService service, ScheduledExecutorService timers, ExecutorService recompute) {
        this.service = service;
        this.timers = timers;
        this.recompute = recompute;
    }

    /** Completes with the new bundle once it differs from {@code knownVersion}, or empty after {@code wait}. */
    CompletableFuture<Optional<PolicyService.Cached>> await(UUID targetId, long knownVersion, Duration wait) {
        PolicyService.Cached now = service.cached(targetId);
        Waiter w = new Waiter(targetId, now, knownVersion, new CompletableFuture<>());
        // Added inside compute, atomically with the removal below, so it never lands in a set just dropped.
        waiters.compute(targetId, (k, set) -> {
            Set<Waiter> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(w);
            return s;
        });
        ScheduledFuture<?> deadline = timers.schedule(() -> w.future().complete(Optional.empty()), wait.toMillis(),
                TimeUnit.MILLISECONDS);
        w.future().whenComplete((r, e) -> {
            waiters.computeIfPresent(targetId, (k, set) -> set.remove(w) && set.isEmpty() ? null : set);
            deadline.cancel(false);
        });
        if (released) {
            // Raced with releaseAll: answered at once rather than left to the stopping API.
            w.future().complete(Optional.empty());
            return w.future();
        }
        // A change that landed between the caller's check and our registration must not be missed.
        offer(w, service.cached(targetId));
        return w.future();
    }

    public int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether {@link #releaseAll} ran: the server is stopping, and a new poll must not park. */
    public boolean released() {
        return released;
    }

    /**
     * Answers every waiting poll with "not modified" (shutdown): agents re-poll, possibly another
     * replica; from now on a poll that would wait is refused (see {@link #released}).
     */
    public void releaseAll() {
        released = true;
        waiters.values().forEach(set -> set.forEach(w -> w.future().complete(Optional.empty())));
    }

    /** Change-feed subscriber: invalidates the cache, then re-evaluates every waiter the notice may touch. */
    public void onChange(String topic, String payload) {
        service.onChange(topic, payload);
        if (!PolicyChanges.TOPIC.equals(topic) && !ChangeFeed.RESYNC.equals(topic)) {
            return;
        }
        List<UUID> targets = new ArrayList<>();
        waiters.forEach((target, set) -> {
            if (set.stream().anyMatch(w -> touches(w, topic, payload))) {
                targets.add(target);
            }
        });
        if (!targets.isEmpty()) {
            recompute.execute(() -> reevaluate(targets));
        }
    }

    private void reevaluate(List<UUID> targets) {
        PolicyService.Batch batch;
        try {
            batch = service.prepare(targets);
        } catch (RuntimeException e) {
            // The next notice or the deadline answers the polls; the agents then simply poll again.
            LOG.warn("cannot recompute the policies of {} targets: {}", targets.size(), e.getMessage());
            return;
        }
        List<PolicyBatch.Pending> pending = batch.pending();
        for (int from = 0; from < pending.size(); from += SLICE) {
            List<PolicyBatch.Pending> slice = pending.subList(from, Math.min(pending.size(), from + SLICE));
            recompute.execute(() -> slice.forEach(p -> answer(batch, p)));
        }
    }

    private void answer(PolicyService.Batch batch, PolicyBatch.Pending p) {
        try {
            PolicyService.Cached fresh = service.sign(batch, p);
            waiters.getOrDefault(p.targetId(), Set.of()).forEach(w -> offer(w, fresh));
        } catch (RuntimeException e) {
            LOG.warn("cannot sign the policy of {}: {}", p.targetId(), e.getMessage());
        }
    }

    private static void offer(Waiter w, PolicyService.Cached fresh) {
        if (fresh.bundle().version() != w.knownVersion()) {
            w.future().complete(Optional.of(fresh));
        }
    }

    private static boolean touches(Waiter w, String topic, String payload) {
        return ChangeFeed.RESYNC.equals(topic) || w.seen().touchedBy(payload);
    }
}
