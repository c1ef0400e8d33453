package io.aami.contract.users;

import java.time.Instant;
import java.util.UUID;

/**
 * A user's API token as listed: never the secret. {@code token} is set only in the answer that created it,
 * the one time the secret is shown. {@code last_used_at} is written behind, so it may lag by a minute.
 */
public record UserTokenView(UUID id, UUID userId, String name, String token, Instant createdAt, Instant expiresAt,
                            boolean expired, Instant revokedAt, Instant lastUsedAt) {
}
