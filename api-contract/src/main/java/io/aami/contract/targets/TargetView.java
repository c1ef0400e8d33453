package io.aami.contract.targets;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A monitored host. {@code status} is {@code pending} (never connected), {@code online},
 * {@code offline} (no heartbeat for three intervals) or {@code revoked}.
 * <p>
 * {@code hostname}, {@code groupId} and {@code labels} are the operator's record: what {@code PUT} gave,
 * or, for a target its agent created by enrolling, what that first enrollment decided. Enrollments never
 * change them afterwards. {@code reportedHostname}, {@code reportedIp} and {@code reportedLabels} are what
 * the agent said at its last enrollment (null until it enrolls); {@code ipAddress} and {@code metadata}
 * have no operator value and follow the agent's report. {@code spoolDropped} is what the last heartbeat said its
 * spools dropped since the agent started (null: not said, an older agent, or no heartbeat yet).
 */
public record TargetView(UUID id, String hostname, String ipAddress, UUID groupId, Map<String, String> labels,
                         Map<String, String> metadata, String reportedHostname, String reportedIp,
                         Map<String, String> reportedLabels, String status, Instant lastHeartbeatAt, String agentVersion,
                         Instant registeredAt, Long uptimeSeconds, Integer queueDepth, Integer heartbeatIntervalSeconds,
                         Long policyVersion, String policyError, Instant certificateExpiresAt, Instant revokedAt,
                         Instant createdAt, Instant updatedAt, Long spoolDropped) {
}
