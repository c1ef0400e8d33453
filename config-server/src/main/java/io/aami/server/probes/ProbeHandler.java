package io.aami.server.probes;

import io.aami.contract.EnabledRequest;
import io.aami.server.audit.Actors;
import io.aami.server.http.Params;
import io.aami.contract.probes.ProbeRequest;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/** HTTP for {@code /api/v1/probes}: the probe definitions. */
public final class ProbeHandler {
    private final ProbeService service;
    private final JsonBodies bodies;

    public ProbeHandler(ProbeService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    public void create(Context ctx) {
        ctx.status(201).json(service.create(Actors.of(ctx), bodies.read(ctx, ProbeRequest.class)));
    }

    public void list(Context ctx) {
        ctx.json(service.list(Params.queryUuid(ctx, "group_id"), Params.queryUuid(ctx, "target_id")));
    }

    public void get(Context ctx) {
        ctx.json(service.get(Params.pathId(ctx)));
    }

    public void replace(Context ctx) {
        ctx.json(service.replace(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, ProbeRequest.class)));
    }

    public void setEnabled(Context ctx) {
        ctx.json(service.setEnabled(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, EnabledRequest.class).enabled()));
    }

    public void delete(Context ctx) {
        service.delete(Actors.of(ctx), Params.pathId(ctx));
        ctx.status(204);
    }
}
