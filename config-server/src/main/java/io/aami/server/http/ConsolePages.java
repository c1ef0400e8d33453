package io.aami.server.http;

import io.javalin.http.Context;

/**
 * What every answer under {@code /ui} carries, errors included (set before any route runs): a Content-Security-Policy
 * that lets a page load only this server's own scripts, styles and images (no inline script, no other origin, no
 * framing, forms posting only here), {@code X-Frame-Options: DENY} for browsers without {@code frame-ancestors},
 * no {@code Referer} leaving the console, no type sniffing, and {@code Cache-Control: no-store} on pages (a shared
 * computer's cache keeps no fleet data); assets under {@code /ui/assets/} set their own caching.
 */
public final class ConsolePages {
    public static final String ROOT = "/ui";
    public static final String LOGIN = ROOT + "/login";
    public static final String ASSETS = ROOT + "/assets/";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none';"
            + " form-action 'self'; base-uri 'none'";

    private ConsolePages() {
    }

    static boolean isConsole(String path) {
        return path.equals(ROOT) || path.startsWith(ROOT + "/");
    }

    /** Where a password or a session cookie travels: asked over HTTPS, browsers are told to use nothing else. */
    static final String LOGIN_API = "/api/v1/login";
    /** One year, as browsers' preload lists expect; no includeSubDomains: other hosts of the domain are not ours to bind. */
    static final String HSTS = "max-age=31536000";

    /**
     * Sets the console's security headers on a request under {@code /ui}, and {@code Strict-Transport-Security} there and
     * on the login routes when the request is HTTPS (directly or through a trusted proxy); does nothing elsewhere.
     */
    static void secure(Context ctx) {
        String path = ctx.path();
        if (RequestOrigin.of(ctx).https() && (isConsole(path) || path.equals(LOGIN_API) || path.startsWith(LOGIN_API + "/"))) {
            ctx.header("Strict-Transport-Security", HSTS);
        }
        if (!isConsole(path)) {
            return;
        }
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (!path.startsWith(ASSETS)) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    /**
     * Whether a request is a browser asking for a console page (a GET under {@code /ui} but the assets and the login
     * page): refused, it is sent to the login page or shown an error page rather than JSON. The console's scripts call
     * only {@code /api/} routes, so no script reads a page route's error.
     */
    static boolean isPage(Context ctx) {
        String path = ctx.path();
        return ctx.method().name().equals("GET") && isConsole(path) && !path.startsWith(ASSETS) && !path.equals(LOGIN);
    }
}
