package io.aami.server.checkresults;

import io.aami.server.http.Params;
import io.aami.contract.checks.CheckResultView;
import io.aami.contract.results.CheckResultBatch;
import io.aami.server.results.HistoryPage;
import io.aami.server.results.HistoryPages;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/**
 * HTTP for check results: the agents' ingest ({@code POST /api/v1/agents/{id}/check-results}) and
 * the operators' views of latest state and history (newest first, paged by {@code continue}).
 */
public final class CheckResultHandler {
    private final CheckResultIngest ingest;
    private final CheckStateService state;
    private final JsonBodies bodies;

    public CheckResultHandler(CheckResultIngest ingest, CheckStateService state, JsonBodies bodies) {
        this.ingest = ingest;
        this.state = state;
        this.bodies = bodies;
    }

    public void ingest(Context ctx) {
        ctx.json(ingest.ingest(Params.pathId(ctx), bodies.read(ctx, CheckResultBatch.class)));
    }

    public void latest(Context ctx) {
        ctx.json(state.latest(Params.pathId(ctx)));
    }

    public void history(Context ctx) {
        HistoryPage page = HistoryPages.of(ctx);
        HistoryPages.reply(ctx, page, state.history(Params.pathId(ctx), Params.queryUuid(ctx, "check_id"), page),
                CheckResultView::executedAt, CheckResultView::seq);
    }
}
