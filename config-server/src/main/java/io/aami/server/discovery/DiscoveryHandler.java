package io.aami.server.discovery;

import io.aami.contract.discovery.DiscoveryReportBatch;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.Params;
import io.javalin.http.Context;

/**
 * HTTP for host discovery: the agents' reports ({@code POST /api/v1/agents/{id}/discovery}) and the operators'
 * views of a target's services, dependencies and connections, the group graph and the uncovered dependencies.
 */
public final class DiscoveryHandler {
    private final DiscoveryIngest ingest;
    private final DependencyService service;
    private final JsonBodies bodies;

    DiscoveryHandler(DiscoveryIngest ingest, DependencyService service, JsonBodies bodies) {
        this.ingest = ingest;
        this.service = service;
        this.bodies = bodies;
    }

    public void ingest(Context ctx) {
        ctx.json(ingest.ingest(Params.pathId(ctx), bodies.read(ctx, DiscoveryReportBatch.class)));
    }

    public void services(Context ctx) {
        ctx.json(service.services(Params.pathId(ctx)));
    }

    public void dependencies(Context ctx) {
        ctx.json(service.dependencies(Params.pathId(ctx)));
    }

    public void connections(Context ctx) {
        ctx.json(service.connections(Params.pathId(ctx)));
    }

    public void graph(Context ctx) {
        ctx.json(service.graph(Params.queryUuid(ctx, "group_id")));
    }

    public void uncovered(Context ctx) {
        ctx.json(service.uncovered());
    }
}
