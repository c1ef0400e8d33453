package io.aami.server.http;

import io.aami.server.security.Principal;
import io.javalin.http.Context;

/** The {@link Principal} {@link OperatorAuthenticator} resolved for a request, kept on it for handlers. */
public final class Principals {
    private static final String ATTRIBUTE = "aami.principal";
    private static final String SESSION_ENDS = "aami.session_ends";

    private Principals() {
    }

    static void set(Context ctx, Principal principal) {
        ctx.attribute(ATTRIBUTE, principal);
    }

    static void setSessionEnd(Context ctx, java.time.Instant endsAt) {
        ctx.attribute(SESSION_ENDS, endsAt);
    }

    /** When the console session the request came with ends at the latest; null for a request with a bearer token. */
    public static java.time.Instant sessionEnd(Context ctx) {
        return ctx.attribute(SESSION_ENDS);
    }

    /** The request's principal, if it has one (an error page drawn for a request refused before or without one). */
    public static java.util.Optional<Principal> find(Context ctx) {
        return java.util.Optional.ofNullable(ctx.attribute(ATTRIBUTE));
    }

    /** The request's principal; only routes that require an operator-side credential have one. */
    public static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw new IllegalStateException("no principal on " + ctx.method() + " " + ctx.path() + ": its route takes none");
        }
        return p;
    }
}
