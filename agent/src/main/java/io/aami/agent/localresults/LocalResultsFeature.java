package io.aami.agent.localresults;

import io.aami.agent.checks.CheckExecution;
import io.aami.agent.feature.AgentContext;
import java.util.function.ToLongFunction;

/**
 * Results from local programs: the local API's {@code POST /check-results} takes the agent design's
 * body from cron jobs and scripts, resolves each {@code check_id} among the checks of the applied
 * policy, and hands the results to {@code spool} (the check stream's spool, which numbers them), so they
 * reach the server exactly once like the agent's own runs. Install before the policy feature, which
 * applies the first bundle.
 */
public final class LocalResultsFeature {
    private LocalResultsFeature() {
    }

    public static void install(AgentContext ctx, ToLongFunction<CheckExecution> spool) {
        KnownChecks known = new KnownChecks();
        ctx.out().onBundle(bundle -> known.apply(bundle.checks()));
        ctx.out().routes(new CheckResultRoute(new SubmittedResults(known, ctx.clock()), spool,
                new SubmissionMetrics(ctx.metrics().registry()), new SubmissionBudget(ctx.clock())).routes());
    }
}
