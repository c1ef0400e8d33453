package io.aami.agent.localresults;

import io.aami.agent.api.BodyLimits;
import io.aami.agent.api.BodyPool;
import io.aami.agent.api.Exchange;
import io.aami.agent.api.LocalApi;
import io.aami.agent.api.LocalApiException;
import io.aami.agent.checks.CheckExecution;
import io.aami.agent.localresults.SubmissionMetrics.Reason;
import io.aami.contract.results.CheckResultBatch;
import io.aami.contract.results.CheckResultReceipt;
import io.aami.contract.results.CheckResultRules;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code POST /check-results}: a batch of results in the agent design's body, validated whole
 * ({@link SubmittedResults}), then spooled in order and answered 202 with the seq of each. Guarded like
 * every local API route (loopback, or {@code api.token}). A 202 means every result is in the spool,
 * which delivers it exactly once; a refusal spools none, and neither does a 500 (a spool I/O error), which
 * also takes nothing from the budget:
 * <ul>
 *   <li>past {@link SubmissionBudget}'s results or bytes a second: 429 with {@code Retry-After}, checked once
 *       before the body is read (an empty bucket reads nothing) and again for the batch;</li>
 *   <li>when submitted results would hold more than their share of the spool ({@code spool.max_bytes} /
 *       {@value #SPOOL_SHARE_DIVISOR}), or the spool has no free room for them: 507 {@code SPOOL_SHARE_FULL}
 *       with {@code Retry-After}. Submitted results never make the spool drop a record, so they never push out
 *       the agent's own results;</li>
 *   <li>a body of more than {@link CheckResultRules#MAX_LOCAL_BATCH} results is refused as it is read, the
 *       parse stopping there.</li>
 * </ul>
 */
final class CheckResultRoute {
    static final String PATH = "/check-results";
    /** Submitted results may hold at most this fraction (1/n) of the check spool's bytes. */
    static final int SPOOL_SHARE_DIVISOR = 4;
    /** A full share empties as the sender delivers; a minute is a polite first retry. */
    static final int SPOOL_FULL_RETRY_SECONDS = 60;
    static final BodyLimits LIMITS = new BodyLimits(CheckResultRules.MAX_LOCAL_BODY_BYTES, CheckResultRules.MAX_LOCAL_BATCH,
            (int) CheckResultRules.MAX_LOCAL_BODY_BYTES, new LocalApiException(400, "VALIDATION_FAILED", "results: at most "
            + CheckResultRules.MAX_LOCAL_BATCH + " results per request", "results"));

    private final SubmittedResults rules;
    private final Function<List<CheckExecution>, Optional<List<Long>>> spool;
    private final long maxSpoolBytes;
    private final SubmissionMetrics metrics;
    private final SubmissionBudget budget;

    /**
     * @param spool         spools a whole batch as submitted results within the share it is given, or
     *                      returns empty having spooled none
     * @param maxSpoolBytes the check spool's {@code spool.max_bytes}, for the share and the message
     */
    CheckResultRoute(SubmittedResults rules, Function<List<CheckExecution>, Optional<List<Long>>> spool, long maxSpoolBytes,
                     SubmissionMetrics metrics, SubmissionBudget budget) {
        this.rules = rules;
        this.spool = spool;
        this.maxSpoolBytes = maxSpoolBytes;
        this.metrics = metrics;
        this.budget = budget;
    }

    /** The bytes of the check spool submitted results may hold. */
    static long share(long maxSpoolBytes) {
        return maxSpoolBytes / SPOOL_SHARE_DIVISOR;
    }

    Map<String, LocalApi.Endpoint> routes() {
        return Map.of(PATH, new LocalApi.Endpoint(Set.of("POST"), this::submit, BodyPool.RESULTS));
    }

    private void submit(Exchange ex) throws IOException {
        SubmissionBudget.Limit empty = budget.exhausted();
        if (empty != null) {
            throw rateLimited(ex, empty, 1, SubmissionBudget.RESULT_OVERHEAD_BYTES);
        }
        List<CheckExecution> runs;
        try {
            runs = rules.validate(ex.body(CheckResultBatch.class, LIMITS));
        } catch (LocalApiException e) {
            metrics.refused(e.status() == 404 ? Reason.UNKNOWN_CHECK : e.status() == 503 ? Reason.BUSY : Reason.INVALID);
            throw e;
        }
        long bytes = SubmissionBudget.bytes(runs);
        SubmissionBudget.Limit hit = budget.tryTake(runs.size(), bytes);
        if (hit != null) {
            throw rateLimited(ex, hit, runs.size(), bytes);
        }
        Optional<List<Long>> seqs;
        try {
            seqs = spool.apply(runs);
        } catch (RuntimeException e) {
            // Nothing was spooled (the spool appends a batch all or none, I/O errors included): the retry may spend it.
            budget.giveBack(runs.size(), bytes);
            throw e;
        }
        if (seqs.isEmpty()) {
            budget.giveBack(runs.size(), bytes);
            metrics.refused(Reason.SPOOL_SHARE);
            ex.responseHeader("Retry-After", Integer.toString(SPOOL_FULL_RETRY_SECONDS));
            throw new LocalApiException(507, "SPOOL_SHARE_FULL", "submitted results may hold at most 1/" + SPOOL_SHARE_DIVISOR
                    + " of the agent's result spool (" + share(maxSpoolBytes) + " of spool.max_bytes " + maxSpoolBytes
                    + " bytes), and only room it has free, so they never push out the agent's own results; these "
                    + runs.size() + " results do not fit until the server has taken what is spooled. Nothing was spooled");
        }
        metrics.submitted.inc(runs.size());
        ex.json(202, new CheckResultReceipt(seqs.get().size(), seqs.get()));
    }

    private LocalApiException rateLimited(Exchange ex, SubmissionBudget.Limit hit, int n, long bytes) {
        metrics.refused(hit == SubmissionBudget.Limit.BYTES ? Reason.BYTE_RATE_LIMITED : Reason.RATE_LIMITED);
        long wait = budget.secondsUntil(n, bytes);
        ex.responseHeader("Retry-After", Long.toString(wait));
        return new LocalApiException(429, "RATE_LIMITED", "at most " + SubmissionBudget.PER_SECOND + " results and "
                + SubmissionBudget.BYTES_PER_SECOND + " bytes a second (bursts of " + SubmissionBudget.BURST + " and "
                + SubmissionBudget.BYTE_BURST + "; a result costs its output's bytes plus " + SubmissionBudget.RESULT_OVERHEAD_BYTES
                + "); nothing was spooled, retry in " + wait + " s");
    }
}
