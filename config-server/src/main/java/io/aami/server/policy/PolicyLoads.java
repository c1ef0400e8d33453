package io.aami.server.policy;

import io.aami.server.db.DataAccessException;
import io.aami.server.error.ApiException;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Computes the policies callers ask for together, one batch at a time (group commit): while one batch
 * is in the database, every target asked for meanwhile waits and goes into the next. Why: after a
 * restart every agent's first poll misses the empty cache; computed one target per transaction, 5,000
 * agents were 5,000 transactions of six queries each, the scope's content read again for each, the
 * connection pool exhausted, polls answered 503 and heartbeats' writes starved (the storm benchmark). In
 * batches a scope is read once per batch and the queries number six per batch.
 *
 * <p>No thread of its own: a caller whose target is queued and finds no batch running runs the next
 * one itself, for whoever is queued. Lock and condition, not monitors, so virtual threads waiting here
 * do not pin their carriers.
 */
final class PolicyLoads {
    /** Targets in one batch: bounds one transaction's work and a waiting caller's delay. */
    static final int MAX_BATCH = 500;

    private final Function<Collection<UUID>, Map<UUID, PolicyService.Cached>> computeAll;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashMap<UUID, Slot> queued = new LinkedHashMap<>();
    private boolean running;

    /** @param computeAll computes the given targets in one batch; a target that does not exist is left out */
    PolicyLoads(Function<Collection<UUID>, Map<UUID, PolicyService.Cached>> computeAll) {
        this.computeAll = computeAll;
    }

    /** One caller's answer, or the failure of its batch. */
    private static final class Slot {
        private PolicyService.Cached value;
        private RuntimeException failure;
        private boolean done;
    }

    /**
     * The policy of {@code targetId} computed now (after this call began); null if the target does not
     * exist. Throws what computing its batch threw (the database unavailable, typically).
     */
    PolicyService.Cached load(UUID targetId) {
        Slot mine;
        lock.lock();
        try {
            // A slot already queued has not been read yet: joining it still answers with a read made after this call.
            mine = queued.computeIfAbsent(targetId, id -> new Slot());
            while (!mine.done) {
                if (running) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                running = true;
                Map<UUID, Slot> batch = takeBatch();
                lock.unlock();
                try {
                    run(batch);
                } finally {
                    lock.lock();
                    running = false;
                    changed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.value;
    }

    private Map<UUID, Slot> takeBatch() {
        Map<UUID, Slot> batch = new LinkedHashMap<>();
        Iterator<Map.Entry<UUID, Slot>> it = queued.entrySet().iterator();
        while (it.hasNext() && batch.size() < MAX_BATCH) {
            Map.Entry<UUID, Slot> e = it.next();
            batch.put(e.getKey(), e.getValue());
            it.remove();
        }
        return batch;
    }

    /** Computes one batch outside the lock and fills its slots; they are read under the lock once it is signalled. */
    private void run(Map<UUID, Slot> batch) {
        Error fatal = null;
        try {
            fill(batch, computeAll.apply(List.copyOf(batch.keySet())), null);
        } catch (RuntimeException e) {
            if (batch.size() > 1 && vanished(e)) {
                // One target deleted while its batch read it must not fail the others: each alone. Not for other
                // failures: with the database unavailable, 500 one-target attempts would each wait for a connection.
                batch.forEach((id, slot) -> {
                    try {
                        fill(Map.of(id, slot), computeAll.apply(List.of(id)), null);
                    } catch (RuntimeException alone) {
                        fill(Map.of(id, slot), null, alone);
                    }
                });
            } else {
                fill(batch, null, e);
            }
        } catch (Error e) {
            // Every slot of the batch must end, or its callers would wait for ever.
            fatal = e;
            fill(batch, null, new IllegalStateException("computing policies failed: " + e, e));
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /** A target of the batch gone meanwhile: not found while its content was read, or its version row's key. */
    private static boolean vanished(RuntimeException e) {
        return e instanceof ApiException || e instanceof DataAccessException d && d.foreignKeyViolation();
    }

    private void fill(Map<UUID, Slot> slots, Map<UUID, PolicyService.Cached> computed, RuntimeException failure) {
        lock.lock();
        try {
            for (Map.Entry<UUID, Slot> e : slots.entrySet()) {
                Slot s = e.getValue();
                s.value = computed == null ? null : computed.get(e.getKey());
                s.failure = failure;
                s.done = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Targets waiting for a batch (for tests). */
    int queued() {
        lock.lock();
        try {
            return queued.size();
        } finally {
            lock.unlock();
        }
    }
}
