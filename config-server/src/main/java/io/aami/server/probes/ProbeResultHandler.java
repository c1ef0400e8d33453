package io.aami.server.probes;

import io.aami.contract.results.ProbeReportBatch;
import io.aami.server.http.Fields;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/** HTTP for the agents' probe reports ({@code POST /api/v1/agents/{id}/probe-results}). */
public final class ProbeResultHandler {
    private final ProbeResultIngest ingest;
    private final JsonBodies bodies;

    public ProbeResultHandler(ProbeResultIngest ingest, JsonBodies bodies) {
        this.ingest = ingest;
        this.bodies = bodies;
    }

    public void ingest(Context ctx) {
        ctx.json(ingest.ingest(Fields.pathId(ctx), bodies.read(ctx, ProbeReportBatch.class)));
    }
}
