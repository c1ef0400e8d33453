package io.aami.server.policy;

import static io.aami.contract.ApiPaths.POLICY;
import static io.aami.contract.ApiPaths.POLICY_KEY;
import static io.aami.server.http.Access.AGENT;
import static io.aami.server.http.Access.PUBLIC;

import io.aami.common.concurrent.DaemonThreads;
import io.aami.server.checks.CheckStore;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.RouteSet;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.server.pki.PolicySigner;
import io.aami.server.targets.TargetStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Policy bundles: each agent's signed bundle, served at once or by long poll, and the policy key.
 * The direction: policy reads targets and checks through their stores and a target's probes through
 * the {@link PolicyService.ProbeSource} port it declares (implemented by probes); those features never
 * call policy, they announce changes through {@code policyscope.PolicyChanges}, which this feature
 * hears on the change feed. Depends on targets, checks, probes (the port) and pki (the signer).
 * <ul>
 *   <li>{@code aami_policy_long_polls_waiting}: policy long polls parked on this replica now</li>
 *   <li>{@code aami_policy_contents_computed_total{kind}}: see {@link PolicyService}</li>
 * </ul>
 */
public final class PolicyFeature {
    public static final RouteSet<PolicyHandler> ROUTES = RouteSet.of(PolicyHandler.class)
            .get(POLICY_KEY, PolicyHandler::key, PUBLIC)
            .get(POLICY, PolicyHandler::get, AGENT)
            .build();

    private final PolicyService service;

    public PolicyFeature(ServerContext ctx, TargetStore targets, CheckStore checks, PolicyService.ProbeSource probes,
                         PolicySigner signer) {
        service = new PolicyService(ctx.db(), targets, checks, probes, signer, ctx.config().policy().bundleTtl(), ctx.clock(),
                ctx.registry(), ctx.mapper());
        ExecutorService recompute = Executors.newFixedThreadPool(4, DaemonThreads.factory("aami-policy"));
        ctx.resources().opened(recompute::shutdownNow);
        // Deadlines of parked polls apart from the background pool, dropped from the queue when cancelled: a poll
        // answered early must not leave its waiter (and bundle) queued until its deadline, 50,000 of them at once.
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory("aami-policy-deadlines"));
        deadlines.setRemoveOnCancelPolicy(true);
        ctx.resources().opened(deadlines::shutdownNow);
        PolicyWaiters waiters = new PolicyWaiters(service, deadlines, recompute);
        ctx.changes().subscribe(waiters::onChange);
        GaugeWithCallback.builder().name("aami_policy_long_polls_waiting").help("Policy long polls parked on this replica")
                .callback(cb -> cb.call(waiters.waiting())).register(ctx.registry());
        ctx.resources().releaseFirst(waiters::releaseAll);
        PolicyKeyInfo key = PolicyKeyRotations.forConfig(ctx.config(), ctx.mapper()).info(signer);
        ctx.routes().bind(ROUTES, new PolicyHandler(service, waiters, ctx.config().policy(), key, ctx.mapper()));
    }

    /** Each target's current bundle: what the result features compare results against. */
    public PolicyService service() {
        return service;
    }
}
