package io.aami.server.targets;

import io.aami.contract.targets.TargetView;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A stored target including what the API never shows (the hash of the agent credential).
 * {@code hostname}, {@code groupId} and {@code labels} are the operator's record; {@code reported*} what the
 * agent said at its last enrollment (null before it first enrolls; {@code reportedLabels} also for targets
 * enrolled before the reported fields existed).
 */
public record Target(UUID id, String hostname, String ipAddress, UUID groupId, Map<String, String> labels,
                     Map<String, String> metadata, String status, byte[] agentTokenSha256, String enrolledByToken,
                     String agentVersion, Long uptimeSeconds, Integer queueDepth, Integer heartbeatIntervalSeconds,
                     Long policyVersion, String policyError, Instant certificateExpiresAt, Instant revokedAt,
                     Instant registeredAt, Instant lastHeartbeatAt, Instant createdAt, Instant updatedAt,
                     String reportedHostname, String reportedIp, Map<String, String> reportedLabels, Long spoolDropped) {

    public static final String PENDING = "pending";
    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    public static final String REVOKED = "revoked";

    /** An agent has enrolled as this target at least once (it holds a credential). */
    public boolean enrolled() {
        return agentTokenSha256 != null;
    }

    public boolean revoked() {
        return REVOKED.equals(status);
    }

    public TargetView view() {
        return new TargetView(id, hostname, ipAddress, groupId, labels, metadata, reportedHostname, reportedIp, reportedLabels,
                status, lastHeartbeatAt, agentVersion,
                registeredAt, uptimeSeconds, queueDepth, heartbeatIntervalSeconds, policyVersion, policyError,
                certificateExpiresAt, revokedAt, createdAt, updatedAt, spoolDropped);
    }
}
