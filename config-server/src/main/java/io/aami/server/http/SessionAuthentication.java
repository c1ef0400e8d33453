package io.aami.server.http;

import io.aami.server.security.LiveSession;
import java.util.Optional;

/**
 * Who a console session cookie acts as: implemented by the {@code sessions} feature, so {@code http} needs no
 * feature. The cookie's form is checked by {@link SessionCookie#wellFormed} first, without a query.
 */
public interface SessionAuthentication {
    /** No sessions at all (the {@code routes} listing, tests of the token paths). */
    SessionAuthentication NONE = (id, background) -> Optional.empty();

    /**
     * The session's user with its current role, for a live session (neither idle nor past its absolute lifetime) of an
     * enabled user; else empty. One query. A {@code background} request (the console's polling) does not count as use:
     * it does not move the session's idle timeout, so a console left open still times out.
     */
    Optional<LiveSession> authenticate(String sessionId, boolean background);
}
