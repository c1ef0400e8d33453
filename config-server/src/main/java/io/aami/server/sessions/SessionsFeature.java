package io.aami.server.sessions;

import static io.aami.contract.ApiPaths.LOGIN_SESSION;
import static io.aami.server.http.Access.PUBLIC;
import static io.aami.server.http.Access.VIEWER;

import io.aami.server.audit.AuditTrail;
import io.aami.server.feature.ServerContext;
import io.aami.server.http.PlainHttpLogin;
import io.aami.server.http.RouteSet;
import io.aami.server.http.SessionAuthentication;
import io.aami.server.users.PasswordLogin;
import java.time.Duration;

/**
 * The console's browser sessions, kept in PostgreSQL so every replica knows them: login, who, logout
 * ({@code /api/v1/login/session}), the {@link SessionAuthentication} the access filter resolves the
 * {@code aami_session} cookie ({@code __Host-aami_session} over HTTPS) with, and an hourly purge of ended sessions. Depends on users (its password login and
 * limits) and audit.
 */
public final class SessionsFeature {
    public static final RouteSet<SessionHandler> ROUTES = RouteSet.of(SessionHandler.class)
            .post(LOGIN_SESSION, SessionHandler::login, PUBLIC)
            .get(LOGIN_SESSION, SessionHandler::current, VIEWER)
            .delete(LOGIN_SESSION, SessionHandler::logout, VIEWER)
            .build();

    private final SessionService sessions;

    public SessionsFeature(ServerContext ctx, PasswordLogin login, AuditTrail audit) {
        var cfg = ctx.config().sessions();
        sessions = new SessionService(ctx.db(), new SessionStore(), login, ctx.secrets(), audit, cfg, ctx.clock());
        var purging = ctx.duties().schedule("session_purge", Duration.ofMinutes(1), Duration.ofHours(1), this::purge);
        ctx.resources().opened(() -> purging.cancel(false));
        var http = ctx.config().http();
        if (!ctx.config().tls().enabled() && http.trustedProxies().isEmpty() && http.plainHttpLogin().equals(PlainHttpLogin.LOOPBACK)) {
            // The documented proxy setup without its proxy listed: say why logins from the browser will be refused.
            org.slf4j.LoggerFactory.getLogger(SessionsFeature.class).warn("TLS is off and http.trusted_proxies is empty: logins"
                    + " with a password are taken only over a direct connection from this host (http.plain_http_login: loopback);"
                    + " behind a TLS-terminating proxy, list the proxy in http.trusted_proxies");
        }
        ctx.routes().bind(ROUTES, new SessionHandler(sessions, ctx.bodies(), cfg.absoluteTimeout(),
                new PlainHttpLogin(ctx.config().http().plainHttpLogin())));
    }

    /** A failed purge is logged, not thrown: a throwing task would never be scheduled again. */
    private void purge() {
        try {
            sessions.purge();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SessionsFeature.class).warn("purging ended sessions failed: {}", e.toString());
        }
    }

    /** Resolves a session cookie to its user and current role. */
    public SessionAuthentication authentication() {
        return sessions::authenticate;
    }
}
