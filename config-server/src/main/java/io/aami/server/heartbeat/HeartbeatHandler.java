package io.aami.server.heartbeat;

import io.aami.server.http.Params;
import io.aami.contract.heartbeat.HeartbeatRequest;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.RequestOrigin;
import io.javalin.http.Context;

/** HTTP for {@code POST /api/v1/agents/{id}/heartbeat}; the access filter has already matched the caller to {@code id}. */
public final class HeartbeatHandler {
    private final HeartbeatService service;
    private final JsonBodies bodies;

    public HeartbeatHandler(HeartbeatService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    public void heartbeat(Context ctx) {
        // The connection's peer (behind a trusted proxy, the client it forwarded for), never a header an untrusted peer
        // set: the discovery trusts it.
        ctx.json(service.record(Params.pathId(ctx), bodies.read(ctx, HeartbeatRequest.class), RequestOrigin.address(ctx)));
    }
}
