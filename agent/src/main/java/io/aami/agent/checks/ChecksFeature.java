package io.aami.agent.checks;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.feature.AgentContext;
import io.aami.agent.schedule.RunHistory;

/**
 * Script checks: the sandbox and executor from {@code checks.*}, the scheduler that runs the policy's
 * checks and hands every finished run to {@code sink}, fed by each applied policy bundle.
 */
public final class ChecksFeature {
    private ChecksFeature() {
    }

    public static void install(AgentContext ctx, ExecutionSink sink) {
        AgentConfig.Checks cfg = ctx.cfg().checks();
        Sandbox sandbox = Sandbox.create(cfg.runAs(), ScriptLimits.DEFAULTS, cfg.containment(), cfg.runHelper());
        LocalScriptPolicy localPolicy = new LocalScriptPolicy(cfg.remoteScripts(), cfg.allowedInterpreters(),
                cfg.allowedScriptSha256(), cfg.allowedExecutionSha256());
        // Registered first, so closed after the scheduler, which closes it too (a failed start still closes it).
        RunHistory history = ctx.out().closeable(RunHistory.open(RunHistory.fileIn(ctx.cfg().agent().stateDir(), "checks"), "checks",
                ctx.timer()));
        CheckScheduler checks = ctx.out().closeable(new CheckScheduler(ctx.agentId().toString(),
                new ScriptExecutor(cfg.workDir(), sandbox, cfg.outputMaxBytes(), ctx.clock(), ScriptExecutor.INTERPRETER_DIRS, localPolicy),
                cfg.maxConcurrent(), sink, new CheckMetrics(ctx.metrics().registry()), ctx.clock(), history, ctx.timer()));
        ctx.out().onBundle(bundle -> checks.apply(bundle.checks()));
    }
}
