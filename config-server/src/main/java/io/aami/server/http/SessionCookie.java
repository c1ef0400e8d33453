package io.aami.server.http;

import io.aami.server.security.SessionSecrets;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * The console's session cookie and its CSRF token. The cookie is {@code HttpOnly} (no script reads it),
 * {@code SameSite=Strict} (no other site's page sends it), {@code Path=/}, and over HTTPS (this connection's TLS, or a
 * trusted proxy's {@code X-Forwarded-Proto}: {@link RequestOrigin#https}) {@code Secure} and named
 * {@link #SECURE_NAME}: browsers accept a {@code __Host-} cookie only Secure, from HTTPS, with {@code Path=/} and no
 * {@code Domain}, so neither a man in the middle of a plain-HTTP request nor a sibling subdomain can plant one. The
 * server reads only the name matching the request's scheme. The CSRF token ({@link SessionSecrets}) is derived from the
 * session id.
 */
public final class SessionCookie {
    /** The cookie's name over plain HTTP (not Secure). */
    public static final String NAME = "aami_session";
    /** The cookie's name over HTTPS (Secure). */
    public static final String SECURE_NAME = "__Host-aami_session";
    /** The header a script sends the CSRF token in; a form sends {@link #FORM_FIELD}. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String FORM_FIELD = "csrf_token";
    /**
     * The header the console's background polls send ({@code 1}): such a request is no use of the session. Another
     * site cannot make a browser send it (a custom header needs a CORS preflight, which this server never allows), so it
     * can only shorten a session, never lengthen one.
     */
    public static final String POLL_HEADER = "X-AAMI-Poll";

    private SessionCookie() {
    }

    /** The cookie's name for this request's scheme. */
    public static String name(Context ctx) {
        return RequestOrigin.of(ctx).https() ? SECURE_NAME : NAME;
    }

    /** Whether the request carries a session cookie of its scheme's name, well-formed or not. */
    static boolean present(Context ctx) {
        return ctx.cookie(name(ctx)) != null;
    }

    /** The session id the request's cookie carries, if it has one of the right form (a malformed one costs no query). */
    public static Optional<String> of(Context ctx) {
        String id = ctx.cookie(name(ctx));
        return id != null && wellFormed(id) ? Optional.of(id) : Optional.empty();
    }

    /** Whether the request is a background poll ({@link #POLL_HEADER}), not a user's action. */
    public static boolean background(Context ctx) {
        return "1".equals(ctx.header(POLL_HEADER));
    }

    static boolean wellFormed(String id) {
        return id.length() == SessionSecrets.ID_LENGTH && id.chars().allMatch(ch -> (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'));
    }

    /** Sets the cookie for {@code id}, living at most {@code maxAge} in the browser. */
    public static void set(Context ctx, String id, Duration maxAge) {
        ctx.header("Set-Cookie", name(ctx) + "=" + id + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (RequestOrigin.of(ctx).https() ? "; Secure" : ""));
    }

    /** Tells the browser to drop the cookie. */
    public static void clear(Context ctx) {
        ctx.header("Set-Cookie", name(ctx) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (RequestOrigin.of(ctx).https() ? "; Secure" : ""));
    }

    /** Whether the request carries the session's CSRF token (header, else form field), compared in constant time. */
    static boolean csrfMatches(Context ctx, String sessionId) {
        String presented = ctx.header(CSRF_HEADER);
        if (presented == null && isForm(ctx)) {
            presented = ctx.formParam(FORM_FIELD);
        }
        return presented != null && MessageDigest.isEqual(SessionSecrets.csrfToken(sessionId).getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }
}
