package io.aami.server.http;

import io.aami.server.security.Principal;
import java.util.Optional;

/**
 * Who a console session cookie acts as: implemented by the {@code sessions} feature, so {@code http} needs no
 * feature. The cookie's form is checked by {@link SessionCookie#wellFormed} first, without a query.
 */
public interface SessionAuthentication {
    /** No sessions at all (the {@code routes} listing, tests of the token paths). */
    SessionAuthentication NONE = id -> Optional.empty();

    /**
     * The session's user with its current role, for a live session (neither idle nor past its absolute lifetime) of an
     * enabled user; else empty. One query.
     */
    Optional<Principal> authenticate(String sessionId);
}
