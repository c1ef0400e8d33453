package io.aami.server.audit;

import io.aami.server.http.Principals;
import io.javalin.http.Context;

/** The {@link Actor} of a request, for handlers: its principal and its TCP peer (never a header a client may set). */
public final class Actors {
    private Actors() {
    }

    public static Actor of(Context ctx) {
        return Actor.of(Principals.of(ctx), ctx.req().getRemoteAddr());
    }
}
