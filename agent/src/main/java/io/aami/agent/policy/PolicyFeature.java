package io.aami.agent.policy;

import io.aami.agent.feature.AgentContext;
import io.aami.agent.feature.Contributions;
import io.aami.agent.feature.Loop;
import io.aami.agent.pki.PolicyKeyPin;
import io.aami.agent.retry.CredentialRejections;
import java.time.Duration;

/**
 * The agent's policy: the gate every bundle passes (signature under {@code pin}, rollback floor,
 * expiry) before the features' bundle consumers apply it, the long-poll loop that keeps it current, and
 * the timer that withdraws an expired one. Reports the applied version and the last refusal in the heartbeat.
 */
public final class PolicyFeature {
    private PolicyFeature() {
    }

    /** Install after every feature that consumes bundles (they are read when a bundle is applied). */
    public static void install(AgentContext ctx, PolicyKeyPin pin, CredentialRejections rejections) {
        Contributions out = ctx.out();
        PolicyGate gate = new PolicyGate(out::applyBundle, ctx.agentId(), pin::verifier, ctx.clock(), ctx.metrics().registry());
        out.loop(new Loop("policy-expiry", new ExpiryTimer(gate, ctx.stop()), false));
        out.loop(new Loop("policy", new PolicyPoller(ctx.transport(PolicyPoller.LOOP), ctx.credentials(), new PolicyFile(ctx.cfg().policyFile(), ctx.mapper()),
                gate, pin, ctx.clock(), ctx.cfg().policy().longPollWait(), ctx.stop(),
                ctx.retry(Duration.ofSeconds(1), Duration.ofMinutes(1)), rejections), true));
        out.appliedPolicyVersion(gate::appliedVersion);
        out.problem(gate::lastError);
    }
}
