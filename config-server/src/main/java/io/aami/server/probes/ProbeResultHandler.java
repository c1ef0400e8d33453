package io.aami.server.probes;

import io.aami.contract.probes.ProbeResultView;
import io.aami.contract.results.ProbeReportBatch;
import io.aami.server.http.Fields;
import io.aami.server.http.HistoryPage;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/**
 * HTTP for probe results: the agents' reports ({@code POST /api/v1/agents/{id}/probe-results}) and
 * the operators' views of a target's latest state and history (newest first, paged by {@code continue}).
 */
public final class ProbeResultHandler {
    private final ProbeResultIngest ingest;
    private final ProbeStateService state;
    private final JsonBodies bodies;

    public ProbeResultHandler(ProbeResultIngest ingest, ProbeStateService state, JsonBodies bodies) {
        this.ingest = ingest;
        this.state = state;
        this.bodies = bodies;
    }

    public void latest(Context ctx) {
        ctx.json(state.latest(Fields.pathId(ctx)));
    }

    public void history(Context ctx) {
        HistoryPage page = HistoryPage.of(ctx);
        page.reply(ctx, state.history(Fields.pathId(ctx), Fields.queryUuid(ctx, "probe_id"), page),
                ProbeResultView::executedAt, ProbeResultView::seq);
    }

    public void ingest(Context ctx) {
        ctx.json(ingest.ingest(Fields.pathId(ctx), bodies.read(ctx, ProbeReportBatch.class)));
    }
}
