package io.aami.server.http;

import io.aami.server.security.SessionSecrets;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * The console's session cookie and its CSRF token. The cookie is {@code HttpOnly} (no script reads it),
 * {@code SameSite=Strict} (no other site's page sends it), {@code Path=/}, and {@code Secure} when the server speaks
 * TLS. The CSRF token ({@link SessionSecrets}) is derived from the session id.
 */
public final class SessionCookie {
    public static final String NAME = "aami_session";
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

    /** The session id the request's cookie carries, if it has one of the right form (a malformed one costs no query). */
    public static Optional<String> of(Context ctx) {
        String id = ctx.cookie(NAME);
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
    public static void set(Context ctx, String id, Duration maxAge, boolean secure) {
        ctx.header("Set-Cookie", NAME + "=" + id + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""));
    }

    /** Tells the browser to drop the cookie. */
    public static void clear(Context ctx, boolean secure) {
        ctx.header("Set-Cookie", NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
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
