package io.aami.agent.probes;

import static io.aami.agent.probes.ProbeFixtures.CLOCK;
import static io.aami.agent.probes.ProbeFixtures.validated;
import static io.aami.agent.probes.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.probes.ProbeResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProbeEngineTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ProbeMetrics metrics = new ProbeMetrics(registry, 100);

    @Test
    void probesBeyondMaxInFlightWaitInTheQueueAndTheirTimeExcludesTheWait() throws Exception {
        try (ProbeEngine engine = new ProbeEngine(2, CLOCK, metrics); BlackholeListener blackhole = new BlackholeListener()) {
            List<CompletableFuture<ProbeResult>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                futures.add(engine.submit(validated(tcp("127.0.0.1", blackhole.port(), 700))));
            }
            Thread.sleep(300); // well inside the first wave of two

            assertThat(ProbeFixtures.gauge(registry, "aami_agent_probes_in_flight")).isEqualTo(2);
            assertThat(ProbeFixtures.gauge(registry, "aami_agent_probes_queue_depth")).isEqualTo(4);
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMs).as("three waves of two").isGreaterThanOrEqualTo(3 * 700 - 50);
            assertThat(futures).allSatisfy(f -> {
                assertThat(f.join().reason()).isEqualTo("timeout");
                assertThat(f.join().totalMs()).isLessThan(2_000.0);
            });
        }
        assertThat(ProbeFixtures.gauge(registry, "aami_agent_probes_in_flight")).isZero();
    }

    @Test
    void slowDnsNeverStallsOtherProbesAndTimesOutAsDnsError() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TargetResolver.HostLookup slow = host -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getAllByName("127.0.0.1");
        };
        try (ProbeEngine engine = new ProbeEngine(16, 1, CLOCK, metrics, slow); TcpListener listener = new TcpListener()) {
            CompletableFuture<ProbeResult> stuck = engine.submit(validated(tcp("slow.example", listener.port(), 1500)));
            ProbeResult direct = engine.submit(validated(tcp("127.0.0.1", listener.port(), 1000))).get(1, TimeUnit.SECONDS);

            assertThat(direct.reason()).isEqualTo("ok");
            assertThat(stuck).isNotDone();
            ProbeResult timedOut = stuck.get(10, TimeUnit.SECONDS);
            assertThat(timedOut.reason()).isEqualTo("dns_error");
            assertThat(timedOut.dnsMs()).isGreaterThanOrEqualTo(1_400.0);
            release.countDown();
        }
    }

    @Test
    void closeFailsUnfinishedProbesPromptlyAndLaterSubmissions() throws Exception {
        ProbeEngine engine = new ProbeEngine(1, CLOCK, metrics);
        try (BlackholeListener blackhole = new BlackholeListener()) {
            CompletableFuture<ProbeResult> running = engine.submit(validated(tcp("127.0.0.1", blackhole.port(), 30_000)));
            CompletableFuture<ProbeResult> queued = engine.submit(validated(tcp("127.0.0.1", blackhole.port(), 30_000)));
            Thread.sleep(100);

            long start = System.nanoTime();
            engine.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
            assertThatThrownBy(() -> running.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> queued.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> engine.submit(validated(tcp("127.0.0.1", 1, 100))).get(1, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            engine.close(); // idempotent
        }
    }

    @Test
    void blockingCallbackDoesNotStopTheLoop() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        try (ProbeEngine engine = new ProbeEngine(16, CLOCK, metrics); BlackholeListener blackhole = new BlackholeListener()) {
            engine.submit(validated(tcp("127.0.0.1", ProbeFixtures.closedTcpPort(), 1000)))
                    .thenRun(() -> awaitQuietly(unblock)); // runs on the completion thread, which it now blocks
            CompletableFuture<ProbeResult> next = engine.submit(validated(tcp("127.0.0.1", blackhole.port(), 300)));
            Thread.sleep(1_000);

            assertThat(ProbeFixtures.counter(registry, "aami_agent_probes", "TCP", "timeout"))
                    .as("the loop kept probing and timing out while a caller callback blocked").isEqualTo(1);
            unblock.countDown();
            assertThat(next.get(5, TimeUnit.SECONDS).reason()).isEqualTo("timeout");
        }
    }

    @Test
    void constructorRejectsBadParameters() {
        assertThatThrownBy(() -> new ProbeEngine(0, CLOCK, metrics)).hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> new ProbeEngine(10, 0, CLOCK, metrics, InetAddress::getAllByName))
                .hasMessageContaining("resolverThreads");
    }

    @Test
    void familyMismatchOfResolvedNameIsDnsError() throws Exception {
        TargetResolver.HostLookup v6only = host -> new InetAddress[] {InetAddress.getByName("::1")};
        try (ProbeEngine engine = new ProbeEngine(4, 1, CLOCK, metrics, v6only)) {
            ProbeResult r = engine.submit(ValidatedProbes.from(new io.aami.contract.probes.ProbeTask(null, "127.0.0.1", null,
                    "v6.example", 80, "TCP", 1000, null, null, null))).get(5, TimeUnit.SECONDS);

            assertThat(r.reason()).isEqualTo("dns_error");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
