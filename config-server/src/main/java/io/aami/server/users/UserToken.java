package io.aami.server.users;

import io.aami.contract.users.UserTokenView;
import io.aami.server.security.Role;
import java.time.Instant;
import java.util.UUID;

/**
 * A user token's row, with what its user is now (name, role, disabled), read in the same query: a token acts
 * with its user's current role, so a demotion or a disabled user takes effect on the next request.
 */
record UserToken(UUID id, UUID userId, String name, byte[] secretSha256, Instant createdAt, Instant expiresAt,
                 Instant revokedAt, Instant lastUsedAt, String userName, Role userRole, boolean userDisabled) {
    boolean live(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now)) && !userDisabled;
    }

    UserTokenView view(Instant now, String secret) {
        return new UserTokenView(id, userId, name, secret, createdAt, expiresAt, expiresAt != null && !expiresAt.isAfter(now),
                revokedAt, lastUsedAt);
    }
}
