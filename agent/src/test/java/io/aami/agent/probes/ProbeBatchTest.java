package io.aami.agent.probes;

import static io.aami.agent.probes.ProbeFixtures.CLOCK;
import static io.aami.agent.probes.ProbeFixtures.tcp;
import static io.aami.agent.probes.ProbeFixtures.validated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ProbeEngine#runAll}: the local API's way to run probes, its results handed over by the loop itself. */
class ProbeBatchTest {
    private final ProbeMetrics metrics = new ProbeMetrics(new PrometheusRegistry(), 100);

    @Test
    @Timeout(30)
    void answersEveryProbeInOrderEachSocketClosedBeforeTheAnswer() throws Exception {
        try (ProbeEngine engine = new ProbeEngine(64, CLOCK, metrics); TcpListener listener = new TcpListener()) {
            int closed = ProbeFixtures.closedTcpPort();
            List<ValidatedProbe> probes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                probes.add(validated(tcp("127.0.0.1", i % 3 == 2 ? closed : listener.port(), 2000)));
            }
            List<ProbeResult> results = engine.runAll(probes);
            assertThat(results).hasSize(300);
            for (int i = 0; i < 300; i++) {
                assertThat(results.get(i).success()).as("probe %d", i).isEqualTo(i % 3 != 2);
                assertThat(results.get(i).targetPort()).isEqualTo(i % 3 == 2 ? closed : listener.port());
            }
            // A pinned source port is free again as soon as its answer is in: results wait for their sockets to close.
            int source = ProbeFixtures.freeTcpPort();
            ValidatedProbe pinned = validated(new ProbeTask(null, "127.0.0.1", source, "127.0.0.1", listener.port(), "TCP", 2000,
                    null, null, null));
            for (int i = 0; i < 20; i++) {
                ProbeResult r = engine.runAll(List.of(pinned)).get(0);
                assertThat(r.reason()).as("run %d", i).isEqualTo("ok");
                assertThat(r.sourcePort()).isEqualTo(source);
            }
            assertThat(engine.runAll(List.of())).isEmpty();
        }
    }

    /**
     * The results of runAll do not pass through the completion thread, which runs the callbacks of futures' callers:
     * one that blocks there must not hold up the local API's probes (it did while each of them was a future too).
     */
    @Test
    @Timeout(30)
    void aCallbackBlockingTheCompletionThreadDoesNotDelayBatches() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ProbeEngine engine = new ProbeEngine(64, CLOCK, metrics); TcpListener listener = new TcpListener()) {
            CompletableFuture<ProbeResult> scheduled = engine.submit(validated(tcp("127.0.0.1", listener.port(), 2000)));
            CountDownLatch blocking = new CountDownLatch(1);
            scheduled.thenAccept(r -> {
                blocking.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocking.await(5, TimeUnit.SECONDS)).as("the completion thread is stuck in the callback").isTrue();

            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<List<ProbeResult>> batch = caller.submit(() -> engine.runAll(List.of(
                        validated(tcp("127.0.0.1", listener.port(), 2000)), validated(tcp("127.0.0.1", listener.port(), 2000)))));
                assertThat(batch.get(3, TimeUnit.SECONDS)).extracting(ProbeResult::success).containsExactly(true, true);
            } finally {
                release.countDown();
                caller.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(30)
    void aBatchStillRunningWhenTheEngineClosesFailsAsAWhole() throws Exception {
        try (BlackholeListener blackhole = new BlackholeListener()) {
            ProbeEngine engine = new ProbeEngine(1, CLOCK, metrics);
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<List<ProbeResult>> batch = caller.submit(() -> engine.runAll(List.of(
                        validated(tcp("127.0.0.1", blackhole.port(), 30_000)), validated(tcp("127.0.0.1", blackhole.port(), 30_000)))));
                Thread.sleep(300);
                engine.close();
                assertThatThrownBy(() -> batch.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("probe engine closed");
                assertThatThrownBy(() -> engine.runAll(List.of(validated(tcp("127.0.0.1", 1, 100)))))
                        .isInstanceOf(IllegalStateException.class);
            } finally {
                engine.close();
                caller.shutdownNow();
            }
        }
    }
}
