package io.aami.server.http;

import io.aami.server.security.Principal;
import java.util.Optional;

/**
 * Who a user's API token acts as: implemented by the {@code users} feature, so {@code http} needs no
 * feature. Empty for anything that is not a live token of an enabled user; a token that cannot be one by its
 * form is refused without any query.
 */
@FunctionalInterface
public interface UserAuthentication {
    Optional<Principal> authenticate(String bearerToken);
}
