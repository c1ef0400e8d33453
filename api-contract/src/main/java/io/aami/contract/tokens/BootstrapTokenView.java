package io.aami.contract.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A bootstrap token as listed: never the secret. {@code token} is set only in the response that
 * created it, the one time the secret is shown.
 */
public record BootstrapTokenView(String id, String token, String name, UUID groupId, int maxUses, int uses, int remaining,
                                 Instant expiresAt, boolean expired, boolean revoked, Instant revokedAt,
                                 Map<String, String> labels, List<String> allowedCidrs, Instant createdAt) {
}
