package io.aami.server.registration;

import io.aami.contract.registration.RegisterRequest;
import io.aami.server.http.Bearer;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.RequestOrigin;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** HTTP for {@code POST /api/v1/bootstrap-tokens/register}. */
public final class RegistrationHandler {
    private final RegistrationService service;
    private final JsonBodies bodies;

    public RegistrationHandler(RegistrationService service, JsonBodies bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    public void register(Context ctx) throws UnknownHostException {
        RegisterRequest req = bodies.read(ctx, RegisterRequest.class);
        // The connection's peer, or behind a trusted proxy the client it forwarded for: never a header an untrusted peer
        // set, so allowed_cidrs cannot be passed by writing X-Forwarded-For. Always an IP literal: no name lookup.
        InetAddress source = InetAddress.getByName(RequestOrigin.address(ctx));
        RegistrationService.Outcome outcome = service.register(req, Bearer.from(ctx).orElse(null), source);
        ctx.header("Cache-Control", "no-store");
        ctx.status(outcome.created() ? 201 : 200).json(outcome.response());
    }
}
