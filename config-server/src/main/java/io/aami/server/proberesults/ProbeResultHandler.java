package io.aami.server.proberesults;

import io.aami.server.http.Params;
import io.aami.contract.probes.ProbeResultView;
import io.aami.contract.results.ProbeReportBatch;
import io.aami.server.results.HistoryPage;
import io.aami.server.results.HistoryPages;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/**
 * HTTP for probe results: the agents' reports ({@code POST /api/v1/agents/{id}/probe-results}) and
 * the operators' views of a target's latest state and history (newest first, paged by {@code continue})
 * and of the connectivity matrix.
 */
public final class ProbeResultHandler {
    private final ProbeResultIngest ingest;
    private final ProbeStateService state;
    private final ProbeMatrixService matrix;
    private final JsonBodies bodies;

    public ProbeResultHandler(ProbeResultIngest ingest, ProbeStateService state, ProbeMatrixService matrix, JsonBodies bodies) {
        this.ingest = ingest;
        this.state = state;
        this.matrix = matrix;
        this.bodies = bodies;
    }

    public void latest(Context ctx) {
        ctx.json(state.latest(Params.pathId(ctx)));
    }

    public void history(Context ctx) {
        HistoryPage page = HistoryPages.of(ctx);
        HistoryPages.reply(ctx, page, state.history(Params.pathId(ctx), Params.queryUuid(ctx, "probe_id"), page),
                ProbeResultView::executedAt, ProbeResultView::seq);
    }

    public void ingest(Context ctx) {
        ctx.json(ingest.ingest(Params.pathId(ctx), bodies.read(ctx, ProbeReportBatch.class)));
    }

    public void matrix(Context ctx) {
        ctx.json(matrix.matrix(Params.queryUuid(ctx, "source_group_id"), Params.queryUuid(ctx, "target_group_id")));
    }
}
