package io.aami.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many users on one timer thread: a closed lease stops its own tasks only, after the running one ends. */
class SharedTimerTest {
    @Test
    void leasesShareOneThreadAndClosingOneLeavesTheOthersRunning() throws Exception {
        try (SharedTimer timer = new SharedTimer("test-timer")) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            AtomicInteger a = new AtomicInteger();
            AtomicInteger b = new AtomicInteger();
            SharedTimer.Lease first = timer.lease();
            SharedTimer.Lease second = timer.lease();
            first.scheduleWithFixedDelay(() -> {
                threads.add(Thread.currentThread().getName());
                a.incrementAndGet();
            }, 0, 5, TimeUnit.MILLISECONDS);
            CountDownLatch once = new CountDownLatch(1);
            second.schedule(() -> {
                threads.add(Thread.currentThread().getName());
                once.countDown();
            }, 1, TimeUnit.MILLISECONDS);
            second.scheduleWithFixedDelay(b::incrementAndGet, 0, 5, TimeUnit.MILLISECONDS);
            assertThat(once.await(10, TimeUnit.SECONDS)).isTrue();
            waitFor(() -> a.get() > 3 && b.get() > 3);
            assertThat(threads).containsExactly("test-timer");

            first.close();
            int stopped = a.get();
            int before = b.get();
            waitFor(() -> b.get() > before + 3);
            assertThat(a.get()).as("no task of a closed lease runs").isEqualTo(stopped);
            second.close();
        }
    }

    @Test
    void closingALeaseWaitsForItsRunningTaskAndNothingStartsAfterwards() throws Exception {
        try (SharedTimer timer = new SharedTimer("test-timer")) {
            SharedTimer.Lease lease = timer.lease();
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            lease.schedule(() -> {
                started.countDown();
                sleep(300);
                finished.incrementAndGet();
            }, 0, TimeUnit.MILLISECONDS);
            AtomicInteger late = new AtomicInteger();
            lease.schedule(late::incrementAndGet, 400, TimeUnit.MILLISECONDS);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            lease.close();
            assertThat(finished.get()).as("close returned after the running task").isEqualTo(1);
            TimeUnit.MILLISECONDS.sleep(600);
            assertThat(late.get()).as("a one-shot task of a closed lease does not run").isZero();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
