package io.aami.contract.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /api/v1/bootstrap-tokens}. Give either {@code ttl_seconds} or
 * {@code expires_at}; neither means the default lifetime.
 */
public record BootstrapTokenRequest(String name, UUID groupId, Integer maxUses, Long ttlSeconds, Instant expiresAt,
                                    Map<String, String> labels, List<String> allowedCidrs) {
}
