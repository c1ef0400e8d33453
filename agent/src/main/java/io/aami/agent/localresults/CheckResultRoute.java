package io.aami.agent.localresults;

import io.aami.agent.api.Exchange;
import io.aami.agent.api.LocalApi;
import io.aami.agent.api.LocalApiException;
import io.aami.agent.checks.CheckExecution;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.CheckResultReceipt;
import io.aami.contract.results.CheckResultRules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * {@code POST /check-results}: a batch of results in the agent design's body, validated whole
 * ({@link SubmittedResults}), then spooled in order and answered 202 with the seq of each. Guarded like
 * every local API route (loopback, or {@code api.token}). A 202 means every result is in the spool,
 * which delivers it exactly once; a refusal spools none. Past {@link SubmissionBudget}'s rate: 429 with
 * {@code Retry-After}, nothing spooled.
 */
final class CheckResultRoute {
    static final String PATH = "/check-results";

    private final SubmittedResults rules;
    private final ToLongFunction<CheckExecution> spool;
    private final SubmissionMetrics metrics;
    private final SubmissionBudget budget;

    CheckResultRoute(SubmittedResults rules, ToLongFunction<CheckExecution> spool, SubmissionMetrics metrics,
                     SubmissionBudget budget) {
        this.rules = rules;
        this.spool = spool;
        this.metrics = metrics;
        this.budget = budget;
    }

    Map<String, LocalApi.Endpoint> routes() {
        return Map.of(PATH, new LocalApi.Endpoint(Set.of("POST"), this::submit));
    }

    private void submit(Exchange ex) throws IOException {
        List<CheckExecution> runs;
        try {
            CheckResultBatch batch = ex.body(CheckResultBatch.class, CheckResultRules.MAX_LOCAL_BODY_BYTES);
            runs = rules.validate(batch);
        } catch (LocalApiException e) {
            metrics.refused.inc();
            throw e;
        }
        if (!budget.tryTake(runs.size())) {
            metrics.refused.inc();
            long wait = budget.secondsUntil(runs.size());
            ex.responseHeader("Retry-After", Long.toString(wait));
            throw new LocalApiException(429, "RATE_LIMITED", "at most " + SubmissionBudget.PER_SECOND
                    + " results a second (bursts of " + SubmissionBudget.BURST + "); nothing was spooled, retry in " + wait + " s");
        }
        List<Long> seqs = new ArrayList<>(runs.size());
        for (CheckExecution run : runs) {
            seqs.add(spool.applyAsLong(run));
        }
        metrics.submitted.inc(runs.size());
        ex.json(202, new CheckResultReceipt(seqs.size(), seqs));
    }
}
