package io.aami.server.http;

import io.aami.server.security.Principal;
import java.util.Optional;

/**
 * Who a user's API token acts as: implemented by the {@code users} feature, so {@code http} needs no
 * feature. {@link #wellFormed} and {@link #recentlyValid} answer from memory, without a query, so the
 * access filter can decide what a lookup is worth before it makes one.
 */
public interface UserAuthentication {
    /** Whether {@code bearer} can be a user token by its form; one that cannot is refused without any query. */
    boolean wellFormed(String bearer);

    /** Whether {@code bearer} is, id and secret, a token that was valid at a recent request (compared in memory). */
    boolean recentlyValid(String bearer);

    /** The user and its current role, for a live token of an enabled user (one query); else empty. */
    Optional<Principal> authenticate(String bearer);
}
