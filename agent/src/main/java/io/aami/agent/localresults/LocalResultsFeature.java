package io.aami.agent.localresults;

import io.aami.agent.checks.CheckExecution;
import io.aami.agent.feature.AgentContext;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

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

    /**
     * @param spool spools a batch of submitted results whole into the check spool, as long as submitted
     *              results hold at most the given bytes of it and it has free room, else spools none and
     *              returns empty
     */
    public static void install(AgentContext ctx, BiFunction<List<CheckExecution>, Long, Optional<List<Long>>> spool) {
        KnownChecks known = new KnownChecks();
        ctx.out().onBundle(bundle -> known.apply(bundle.checks()));
        long maxSpoolBytes = ctx.cfg().spool().maxBytes();
        long share = CheckResultRoute.share(maxSpoolBytes);
        ctx.out().routes(new CheckResultRoute(new SubmittedResults(known, ctx.clock(), ctx.cfg().checks().outputMaxBytes()),
                runs -> spool.apply(runs, share), maxSpoolBytes, new SubmissionMetrics(ctx.metrics().registry()),
                new SubmissionBudget(ctx.clock())).routes());
    }
}
