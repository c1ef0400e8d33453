package io.aami.server.sessions;

import io.aami.contract.ErrorCode;
import io.aami.contract.users.SessionLoginRequest;
import io.aami.server.audit.Actors;
import io.aami.server.error.ApiException;
import io.aami.server.http.JsonBodies;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.RequestOrigin;
import io.aami.server.http.SessionCookie;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * HTTP for {@code /api/v1/login/session}: log in (the cookie is set, the body tells the CSRF token), who the session
 * is, log out (the cookie is cleared). The login body must be JSON: a cross-site form cannot send that without a
 * preflight, so another site cannot log a browser in as someone else. A login over plain HTTP is refused unless
 * {@code http.plain_http_login} allows it ({@link PlainHttpLogin}).
 */
public final class SessionHandler {
    private final SessionService sessions;
    private final JsonBodies bodies;
    private final Duration cookieMaxAge;
    private final PlainHttpLogin plainHttp;

    SessionHandler(SessionService sessions, JsonBodies bodies, Duration cookieMaxAge, PlainHttpLogin plainHttp) {
        this.sessions = sessions;
        this.bodies = bodies;
        this.cookieMaxAge = cookieMaxAge;
        this.plainHttp = plainHttp;
    }

    public void login(Context ctx) {
        plainHttp.check(ctx);
        // text/plain is what a cross-site form could send a JSON-looking body as: only JSON proper logs in.
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "log in with a JSON body (Content-Type: application/json)");
        }
        SessionService.NewSession s = sessions.login(bodies.read(ctx, SessionLoginRequest.class), RequestOrigin.address(ctx),
                SessionCookie.of(ctx).orElse(null));
        SessionCookie.set(ctx, s.id(), cookieMaxAge);
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(s.view());
    }

    public void current(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(sessions.view(cookie(ctx)));
    }

    public void logout(Context ctx) {
        sessions.logout(Actors.of(ctx), cookie(ctx));
        SessionCookie.clear(ctx);
        ctx.status(204);
    }

    private static String cookie(Context ctx) {
        return SessionCookie.of(ctx).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                "this request has no session: it came with a bearer token"));
    }
}
