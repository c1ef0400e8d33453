package io.aami.agent.heartbeat;

import io.aami.agent.feature.AgentContext;
import io.aami.agent.feature.Contributions;
import io.aami.agent.retry.CredentialRejections;
import io.aami.contract.heartbeat.HeartbeatRequest;
import java.time.Duration;

/**
 * The heartbeat: what the agent reports every interval (version, uptime, the applied policy, results
 * waiting, the first problem a feature reports, where the local API listens, the results full spools dropped), sent by the loop the agent runs once it holds a credential.
 */
public final class HeartbeatFeature {
    private HeartbeatFeature() {
    }

    /** Install last: the report reads what every other feature contributed. */
    public static HeartbeatLoop install(AgentContext ctx, CredentialRejections rejections) {
        Contributions out = ctx.out();
        return new HeartbeatLoop(ctx.transport(HeartbeatLoop.LOOP), ctx.credentials(), () -> {
            long applied = out.appliedPolicyVersion();
            return new HeartbeatRequest(ctx.version(), Duration.between(ctx.started(), ctx.clock().instant()).toSeconds(),
                    applied < 0 ? null : applied, (int) Math.min(Integer.MAX_VALUE, out.pendingResults()), out.problem(),
                    out.localApi(), out.droppedResults());
        }, ctx.cfg().heartbeat().interval(), ctx.stop(), ctx.retry(Duration.ofSeconds(1), Duration.ofMinutes(1)), ctx.metrics(),
                rejections);
    }
}
