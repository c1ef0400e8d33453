package io.aami.server.security;

import java.util.Base64;

/**
 * A console session's secrets: its id ({@link #ID_LENGTH} characters of {@code [a-z0-9]}, ~206 bits, made by
 * {@link Secrets#randomString}) and its CSRF token, derived from the session id (a SHA-256 under its own label), so it is stored
 * nowhere: the database keeps only another SHA-256 of the id, from which neither the id nor the token can be computed.
 */
public final class SessionSecrets {
    public static final int ID_LENGTH = 40;

    private SessionSecrets() {
    }

    public static String csrfToken(String sessionId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256("aami-csrf:" + sessionId));
    }
}
