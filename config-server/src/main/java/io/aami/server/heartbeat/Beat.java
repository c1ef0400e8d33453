package io.aami.server.heartbeat;

import java.time.Instant;
import java.util.UUID;

/**
 * One accepted heartbeat waiting to be written; a later one from the same agent replaces it. {@code sourceIp}: the
 * address it came from as the server's socket saw it (canonical), null when not an IP address. {@code spoolDropped}: null
 * when the agent did not say.
 */
record Beat(UUID agentId, Instant at, Instant offlineAfter, int intervalSeconds, String agentVersion, Long uptimeSeconds,
            Integer queueDepth, Long policyVersion, String policyError, String localApiHost, Integer localApiPort,
            String sourceIp, Long spoolDropped) {
}
