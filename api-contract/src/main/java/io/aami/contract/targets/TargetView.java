package io.aami.contract.targets;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A monitored host. {@code status} is {@code pending} (never connected), {@code online},
 * {@code offline} (no heartbeat for three intervals) or {@code revoked}.
 */
public record TargetView(UUID id, String hostname, String ipAddress, UUID groupId, Map<String, String> labels,
                         Map<String, String> metadata, String status, Instant lastHeartbeatAt, String agentVersion,
                         Instant registeredAt, Long uptimeSeconds, Integer queueDepth, Integer heartbeatIntervalSeconds,
                         Long policyVersion, String policyError, Instant certificateExpiresAt, Instant revokedAt,
                         Instant createdAt, Instant updatedAt) {
}
