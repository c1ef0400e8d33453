package io.aami.server.targets;

import io.aami.server.audit.Actors;
import io.aami.server.http.Params;
import io.aami.contract.targets.TargetBulkRequest;
import io.aami.contract.targets.TargetRequest;
import io.aami.contract.targets.TargetView;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;

/** HTTP for {@code /api/v1/targets} (and its bulk changes). Lists page with {@code limit} and {@code continue} (the {@code Aami-Continue} header). */
public final class TargetHandler {
    static final String CONTINUE_HEADER = "Aami-Continue";

    private final TargetService service;
    private final TargetBulkService bulk;
    private final JsonBodies bodies;

    public TargetHandler(TargetService service, TargetBulkService bulk, JsonBodies bodies) {
        this.service = service;
        this.bulk = bulk;
        this.bodies = bodies;
    }

    public void put(Context ctx) {
        TargetService.Saved saved = service.put(Actors.of(ctx), Params.pathId(ctx), bodies.read(ctx, TargetRequest.class));
        ctx.status(saved.created() ? 201 : 200).json(saved.target());
    }

    public void create(Context ctx) {
        TargetService.Saved saved = service.put(Actors.of(ctx), UUID.randomUUID(), bodies.read(ctx, TargetRequest.class));
        ctx.status(201).json(saved.target());
    }

    public void list(Context ctx) {
        int limit = Params.queryInt(ctx, "limit", 500, 1, 5000);
        List<TargetView> page = service.list(Params.queryUuid(ctx, "group_id"), ctx.queryParam("status"),
                Params.queryUuid(ctx, "continue"), limit);
        if (page.size() == limit) {
            ctx.header(CONTINUE_HEADER, page.get(page.size() - 1).id().toString());
        }
        ctx.json(page);
    }

    public void get(Context ctx) {
        ctx.json(service.get(Params.pathId(ctx)));
    }

    public void revoke(Context ctx) {
        ctx.json(service.revoke(Actors.of(ctx), Params.pathId(ctx)));
    }

    public void bulk(Context ctx) {
        ctx.json(bulk.apply(Actors.of(ctx), bodies.read(ctx, TargetBulkRequest.class)));
    }

    public void delete(Context ctx) {
        service.delete(Actors.of(ctx), Params.pathId(ctx));
        ctx.status(204);
    }
}
