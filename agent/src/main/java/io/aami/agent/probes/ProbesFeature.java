package io.aami.agent.probes;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.feature.AgentContext;
import io.aami.agent.schedule.RunHistory;
import io.aami.contract.policy.ProbeSpec;
import io.aami.contract.probes.ProbeResult;
import java.util.function.BiConsumer;

/**
 * Connectivity probes: the engine, the scheduler that runs the policy's probes and hands every result
 * to {@code sink}, fed by each applied policy bundle, and the local API's probe routes.
 */
public final class ProbesFeature {
    private ProbesFeature() {
    }

    public static void install(AgentContext ctx, BiConsumer<ProbeSpec, ProbeResult> sink) {
        AgentConfig.Probes cfg = ctx.cfg().probes();
        ProbeMetrics metrics = new ProbeMetrics(ctx.metrics().registry(), cfg.maxTaskIds());
        // Registered first, so closed after the scheduler that submits to it.
        ProbeEngine engine = ctx.out().closeable(new ProbeEngine(cfg.maxInFlight(), ctx.clock(), metrics));
        RunHistory history = ctx.out().closeable(RunHistory.open(RunHistory.fileIn(ctx.cfg().agent().stateDir(), "probes"), "probes",
                ctx.timer()));
        ProbeScheduler probes = ctx.out().closeable(new ProbeScheduler(ctx.agentId().toString(), engine, metrics, sink, ctx.clock(), history,
                ctx.timer()));
        ctx.out().onBundle(bundle -> probes.apply(bundle.probes()));
        ctx.out().routes(new ProbeRoutes(engine, metrics, ctx.cfg().api().allowPrivilegedSourcePorts(), ctx.clock()).routes());
    }
}
