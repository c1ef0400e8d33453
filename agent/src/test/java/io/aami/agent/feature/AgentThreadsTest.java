package io.aami.agent.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.transport.HttpClients;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's pools keep no idle threads (issue 14: 64 threads with 50 checks, most of them idle): the
 * local API's pool and the HTTP clients' shared executor shrink to nothing when idle, and the metrics
 * library samples no exemplars, which would start its scheduler thread.
 */
class AgentThreadsTest {
    @Test
    void theLocalApiPoolServesSixteenAtOnceAndEndsItsThreadsWhenIdle() throws Exception {
        ThreadPoolExecutor pool = LocalApiFeature.pool();
        try {
            CountDownLatch all = new CountDownLatch(16);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 16; i++) {
                pool.execute(() -> {
                    all.countDown();
                    await(release);
                });
            }
            assertThat(all.await(10, TimeUnit.SECONDS)).as("16 requests served at once").isTrue();
            release.countDown();
            assertThat(shrinksToZero(pool, 15)).as("idle API threads end; pool size now " + pool.getPoolSize()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theHttpClientsShareTwoThreadsThatEndWhenIdle() throws Exception {
        ExecutorService executor = HttpClients.executor();
        try {
            ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
            assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
            for (int i = 0; i < 10; i++) {
                executor.execute(() -> { });
            }
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("aami-http-"));
            assertThat(shrinksToZero(pool, 20)).as("idle HTTP threads end").isTrue();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void exemplarsAreOffSoTheMetricsLibraryStartsNoSchedulerThread() {
        assertThat(PrometheusProperties.get().getDefaultMetricProperties().getExemplarsEnabled()).isFalse();
        Counter c = Counter.builder().name("aami_test_threads_total").help("test").build();
        c.inc();
        assertThat(c.collect().getDataPoints().get(0).getExemplar()).isNull();
    }

    private static boolean shrinksToZero(ThreadPoolExecutor pool, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (pool.getPoolSize() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return pool.getPoolSize() == 0;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
