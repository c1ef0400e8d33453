package io.aami.server.tokens;

import io.aami.contract.tokens.BootstrapTokenRequest;
import io.aami.server.audit.Actors;
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
        ctx.status(201).json(service.create(Actors.of(ctx), bodies.read(ctx, BootstrapTokenRequest.class)));
    }

    public void list(Context ctx) {
        ctx.json(service.list());
    }

    public void get(Context ctx) {
        ctx.json(service.get(ctx.pathParam("id")));
    }

    /** {@code DELETE /api/v1/bootstrap-tokens/{id}[?revoke_agents=true]}. */
    public void revoke(Context ctx) {
        boolean agents = "true".equalsIgnoreCase(ctx.queryParam("revoke_agents"));
        int revoked = service.revoke(Actors.of(ctx), ctx.pathParam("id"), agents);
        if (agents) {
            ctx.json(java.util.Map.of("revoked_agents", revoked));
        } else {
            ctx.status(204);
        }
    }

    public void uses(Context ctx) {
        ctx.json(service.uses(ctx.pathParam("id")));
    }
}
