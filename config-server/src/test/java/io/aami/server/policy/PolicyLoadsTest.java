package io.aami.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching of {@link PolicyLoads}, with a computation that records its batches (pure logic: no database). */
class PolicyLoadsTest {
    private final ExecutorService callers = Executors.newFixedThreadPool(64);
    private final List<List<UUID>> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger computations = new AtomicInteger();
    private final CountDownLatch firstBatchMayEnd = new CountDownLatch(1);
    private final CountDownLatch firstBatchStarted = new CountDownLatch(1);

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    /** Marks each answer with the number of its batch (in the group id), so a test sees which read answered. */
    private Map<UUID, PolicyService.Cached> compute(Collection<UUID> ids) {
        int n = computations.incrementAndGet();
        batches.add(List.copyOf(ids));
        if (n == 1) {
            firstBatchStarted.countDown();
            await(firstBatchMayEnd);
        }
        Map<UUID, PolicyService.Cached> out = new HashMap<>();
        for (UUID id : ids) {
            if (!id.equals(MISSING)) {
                out.put(id, new PolicyService.Cached(null, new UUID(n, 0), Set.of(), new byte[0]));
            }
        }
        return out;
    }

    private static final UUID MISSING = UUID.randomUUID();

    @Test
    void callersArrivingDuringABatchAreComputedTogetherInTheNext() throws Exception {
        PolicyLoads loads = new PolicyLoads(this::compute);
        UUID first = UUID.randomUUID();
        Future<PolicyService.Cached> leader = callers.submit(() -> loads.load(first));
        assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<UUID> ids = new ArrayList<>();
        List<Future<PolicyService.Cached>> waiting = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            waiting.add(callers.submit(() -> loads.load(id)));
        }
        while (loads.queued() < 50) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        firstBatchMayEnd.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS).groupId()).isEqualTo(new UUID(1, 0));
        for (Future<PolicyService.Cached> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS).groupId()).isEqualTo(new UUID(2, 0));
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aCallerForATargetWhoseBatchIsAlreadyReadingGetsALaterRead() throws Exception {
        PolicyLoads loads = new PolicyLoads(this::compute);
        UUID target = UUID.randomUUID();
        Future<PolicyService.Cached> early = callers.submit(() -> loads.load(target));
        assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
        // This caller may have come because of a change the running read has missed: it must not share that read.
        Future<PolicyService.Cached> late = callers.submit(() -> loads.load(target));
        while (loads.queued() < 1) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        firstBatchMayEnd.countDown();
        assertThat(early.get(10, TimeUnit.SECONDS).groupId()).isEqualTo(new UUID(1, 0));
        assertThat(late.get(10, TimeUnit.SECONDS).groupId()).isEqualTo(new UUID(2, 0));
    }

    @Test
    void aFailedBatchFailsEachOfItsCallersAndTheNextBatchRuns() {
        AtomicInteger calls = new AtomicInteger();
        PolicyLoads loads = new PolicyLoads(ids -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database unavailable");
            }
            return compute(ids);
        });
        firstBatchMayEnd.countDown();
        assertThatThrownBy(() -> loads.load(UUID.randomUUID())).hasMessage("database unavailable");
        assertThat(loads.load(UUID.randomUUID())).isNotNull();
        assertThat(loads.load(MISSING)).as("a target that does not exist").isNull();
    }

    @Test
    void oneTargetFailingItsBatchFailsOnlyItself() throws Exception {
        UUID bad = UUID.randomUUID();
        PolicyLoads loads = new PolicyLoads(ids -> {
            if (ids.contains(bad)) {
                throw io.aami.server.error.ApiException.notFound("target", bad);
            }
            return compute(ids);
        });
        UUID first = UUID.randomUUID();
        Future<PolicyService.Cached> leader = callers.submit(() -> loads.load(first));
        assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
        UUID good = UUID.randomUUID();
        Future<PolicyService.Cached> fine = callers.submit(() -> loads.load(good));
        Future<PolicyService.Cached> failing = callers.submit(() -> loads.load(bad));
        while (loads.queued() < 2) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        firstBatchMayEnd.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(fine.get(10, TimeUnit.SECONDS)).as("the good target of the failed batch, computed alone").isNotNull();
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasMessageContaining(bad.toString());
    }

    @Test
    void aBatchFailingForTheDatabaseFailsAsAWholeWithoutOneAttemptPerTarget() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        PolicyLoads loads = new PolicyLoads(ids -> {
            if (attempts.incrementAndGet() == 1) {
                firstBatchStarted.countDown();
                await(firstBatchMayEnd);
                return compute(ids);
            }
            throw new IllegalStateException("database unavailable");
        });
        Future<PolicyService.Cached> leader = callers.submit(() -> loads.load(UUID.randomUUID()));
        assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<PolicyService.Cached>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID id = UUID.randomUUID();
            waiting.add(callers.submit(() -> loads.load(id)));
        }
        while (loads.queued() < 20) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        firstBatchMayEnd.countDown();
        assertThat(leader.get(10, TimeUnit.SECONDS)).isNotNull();
        for (Future<PolicyService.Cached> f : waiting) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasMessageContaining("database unavailable");
        }
        assertThat(attempts).as("one batch, one attempt").hasValue(2);
    }

    @Test
    void anErrorStillEndsEveryCallerOfItsBatch() throws Exception {
        PolicyLoads loads = new PolicyLoads(ids -> {
            throw new StackOverflowError("deep");
        });
        Future<?> caller = callers.submit(() -> loads.load(UUID.randomUUID()));
        assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(StackOverflowError.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
