package io.aami.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pure logic: callers during a computation share it; a caller alone computes afresh; a failure reaches every sharer. */
class CoalescedTest {
    @Test
    void callersDuringAComputationShareItsResult() throws Exception {
        AtomicInteger computations = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Coalesced<Integer> shared = new Coalesced<>(() -> {
            int n = computations.incrementAndGet();
            started.countDown();
            await(release);
            return n;
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            answers.add(pool.submit(shared::get));
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 7; i++) {
                answers.add(pool.submit(shared::get));
            }
            Thread.sleep(200); // the seven are waiting on the first computation, not running their own
            release.countDown();
            for (Future<Integer> a : answers) {
                assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(computations).hasValue(1);
            // Alone again: a fresh computation, no reuse of the old answer.
            assertThat(shared.get()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailureReachesEveryCallerThatSharedItAndTheNextCallTriesAgain() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Coalesced<String> shared = new Coalesced<>(() -> {
            if (calls.incrementAndGet() == 1) {
                started.countDown();
                await(release);
                throw new IllegalStateException("database away");
            }
            return "ok";
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(shared::get);
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> second = pool.submit(shared::get);
            Thread.sleep(200);
            release.countDown();
            for (Future<String> f : List.of(first, second)) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasRootCauseMessage("database away");
            }
            assertThat(shared.get()).isEqualTo("ok");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
