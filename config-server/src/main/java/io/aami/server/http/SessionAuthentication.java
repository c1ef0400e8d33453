package io.aami.server.http;

import io.aami.server.security.Principal;
import java.time.Instant;
import java.util.Optional;

/**
 * Who a console session cookie acts as: implemented by the {@code sessions} feature, so {@code http} needs no
 * feature. The cookie's form is checked by {@link SessionCookie#wellFormed} first, without a query.
 */
public interface SessionAuthentication {
    /** No sessions at all (the {@code routes} listing, tests of the token paths). */
    SessionAuthentication NONE = (id, background) -> Optional.empty();

    /** A live session: who it acts as, and when it ends however much it is used (what a token it mints may not outlive). */
    record Live(Principal principal, Instant endsAt) {
    }

    /**
     * The session's user with its current role, for a live session (neither idle nor past its absolute lifetime) of an
     * enabled user; else empty. One query. A {@code background} request (the console's polling) does not count as use:
     * it does not move the session's idle timeout, so a console left open still times out.
     */
    Optional<Live> authenticate(String sessionId, boolean background);
}
