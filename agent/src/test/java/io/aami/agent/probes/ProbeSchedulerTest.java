package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.schedule.RunHistory;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scheduled probes on a real engine and the wall clock: results reach the sink, overlapping slots are counted. */
class ProbeSchedulerTest {
    private static final String SKIPPED = "aami_agent_probes_skipped";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ProbeMetrics metrics = new ProbeMetrics(registry, 100);
    private final ProbeEngine engine = new ProbeEngine(16, Clock.systemUTC(), metrics);
    private final List<ProbeResult> results = new CopyOnWriteArrayList<>();
    private final ProbeScheduler scheduler = new ProbeScheduler("agent-1", engine, metrics, (spec, r) -> results.add(r),
            Clock.systemUTC(), RunHistory.inMemory());

    @AfterEach
    void stop() {
        scheduler.close();
        engine.close();
    }

    @Test
    void aProbeStillRunningAtItsNextSlotHasThatSlotSkippedAndCounted() throws Exception {
        try (BlackholeListener blackhole = new BlackholeListener()) {
            // Every second, but the first run waits 20 s for a handshake that never comes.
            scheduler.apply(List.of(spec("slow", blackhole.port(), 20_000)));

            awaitUntil(() -> ProbeFixtures.counterSum(registry, SKIPPED) >= 2, 10_000);
            assertThat(results).as("the first run is still going").isEmpty();
            assertThat(ProbeFixtures.gauge(registry, "aami_agent_probes_in_flight")).as("skipped slots start no run").isEqualTo(1);
        }
    }

    @Test
    void probesThatFinishInTimeSkipNothing() throws Exception {
        int closed = ProbeFixtures.closedTcpPort();
        scheduler.apply(List.of(spec("fast", closed, 1_000)));

        awaitUntil(() -> results.size() >= 3, 10_000);
        assertThat(results).allSatisfy(r -> assertThat(r.reason()).isEqualTo("refused"));
        assertThat(ProbeFixtures.counterSum(registry, SKIPPED)).isZero();
    }

    private static ProbeSpec spec(String name, int port, int timeoutMs) {
        return new ProbeSpec(UUID.randomUUID(), null, name, null, null, "127.0.0.1", port, "TCP", timeoutMs, 1, null, null,
                false, Map.of());
    }

    private static void awaitUntil(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            Thread.sleep(20);
        }
    }
}
