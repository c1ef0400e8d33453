package io.aami.server.groups;

import io.aami.server.audit.Actors;
import io.aami.server.http.Params;
import io.aami.contract.groups.GroupRequest;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/** HTTP for {@code /api/v1/groups}. */
public final class GroupHandler {
    private final GroupService service;
    private final JsonBodies bodies;

    public GroupHandler(GroupService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    public void create(Context ctx) {
        ctx.status(201).json(service.create(Actors.of(ctx), bodies.read(ctx, GroupRequest.class)));
    }

    public void list(Context ctx) {
        ctx.json(service.list());
    }

    public void get(Context ctx) {
        ctx.json(service.get(Params.pathId(ctx)));
    }

    public void update(Context ctx) {
        ctx.json(service.update(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, GroupRequest.class)));
    }

    public void delete(Context ctx) {
        service.delete(Actors.of(ctx), Params.pathId(ctx));
        ctx.status(204);
    }
}
