package io.aami.server.tokens;

import io.aami.contract.tokens.BootstrapTokenRequest;
import io.aami.server.http.JsonBodies;
import io.javalin.http.Context;

/** HTTP for {@code /api/v1/bootstrap-tokens}. */
public final class BootstrapTokenHandler {
    private final BootstrapTokenService service;
    private final JsonBodies bodies;

    public BootstrapTokenHandler(BootstrapTokenService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    public void create(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(service.create(bodies.read(ctx, BootstrapTokenRequest.class)));
    }

    public void list(Context ctx) {
        ctx.json(service.list());
    }

    public void get(Context ctx) {
        ctx.json(service.get(ctx.pathParam("id")));
    }

    public void revoke(Context ctx) {
        service.revoke(ctx.pathParam("id"));
        ctx.status(204);
    }
}
