package io.aami.contract.users;

import java.time.Instant;

/**
 * Body of {@code POST /api/v1/me/tokens} (or, with the password, {@code /api/v1/login/tokens}): a name unique among the
 * user's live tokens and, optionally, either {@code ttl_seconds} or {@code expires_at} (neither: no expiry).
 */
public record UserTokenRequest(String name, Long ttlSeconds, Instant expiresAt) {
}
