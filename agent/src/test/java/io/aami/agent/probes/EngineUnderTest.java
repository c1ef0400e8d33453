package io.aami.agent.probes;

import static io.aami.agent.probes.ProbeFixtures.CLOCK;
import static io.aami.agent.probes.ProbeFixtures.validated;

import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh probe engine for each test, with its metrics in {@link #registry}:
 * {@code @RegisterExtension final EngineUnderTest engine = new EngineUnderTest(64);}
 */
final class EngineUnderTest implements BeforeEachCallback, AfterEachCallback {
    final PrometheusRegistry registry = new PrometheusRegistry();
    private final int maxInFlight;
    private ProbeEngine engine;

    EngineUnderTest(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        engine = new ProbeEngine(maxInFlight, CLOCK, new ProbeMetrics(registry, 100));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        engine.close();
    }

    CompletableFuture<ProbeResult> submit(ValidatedProbe probe) {
        return engine.submit(probe);
    }

    /** Runs {@code task} and waits (at most 10s) for its result. */
    ProbeResult run(ProbeTask task) throws Exception {
        return submit(validated(task)).get(10, TimeUnit.SECONDS);
    }
}
