package io.aami.server.checks;

import io.aami.contract.EnabledRequest;
import io.aami.contract.checks.CheckRequest;
import io.aami.server.audit.Actors;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.Params;
import io.aami.server.http.Principals;
import io.javalin.http.Context;

/** HTTP for {@code /api/v1/checks}; what it reads out is shown as {@link CheckSecrets} allows the caller. */
public final class CheckHandler {
    private final CheckService service;
    private final JsonBodies bodies;

    public CheckHandler(CheckService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    public void create(Context ctx) {
        ctx.status(201).json(service.create(Actors.of(ctx), bodies.read(ctx, CheckRequest.class)));
    }

    public void list(Context ctx) {
        ctx.json(CheckSecrets.visibleTo(Principals.of(ctx), service.list(Params.queryUuid(ctx, "group_id"),
                Params.queryUuid(ctx, "target_id"))));
    }

    public void get(Context ctx) {
        ctx.json(CheckSecrets.visibleTo(Principals.of(ctx), service.get(Params.pathId(ctx))));
    }

    public void replace(Context ctx) {
        ctx.json(service.replace(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, CheckRequest.class)));
    }

    public void setEnabled(Context ctx) {
        ctx.json(CheckSecrets.visibleTo(Principals.of(ctx), service.setEnabled(Actors.of(ctx), Params.pathId(ctx),
                bodies.read(ctx, EnabledRequest.class).enabled())));
    }

    public void delete(Context ctx) {
        service.delete(Actors.of(ctx), Params.pathId(ctx));
        ctx.status(204);
    }
}
