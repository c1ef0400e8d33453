package io.aami.server.audit;

import io.aami.server.http.Principals;
import io.aami.server.http.RequestOrigin;
import io.javalin.http.Context;

/**
 * The {@link Actor} of a request, for handlers: its principal and its client's address ({@link RequestOrigin}: the TCP
 * peer, or behind a trusted proxy the client it forwarded for; never a header an untrusted peer set).
 */
public final class Actors {
    private Actors() {
    }

    public static Actor of(Context ctx) {
        return Actor.of(Principals.of(ctx), RequestOrigin.address(ctx));
    }
}
