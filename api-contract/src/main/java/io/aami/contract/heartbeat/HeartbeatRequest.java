package io.aami.contract.heartbeat;

/**
 * {@code POST /api/v1/agents/{id}/heartbeat}. {@code policy_version} is the bundle version the agent runs;
 * {@code policy_error} says why it refused the last bundle it was offered (null when it accepted it).
 */
public record HeartbeatRequest(String agentVersion, Long uptimeSeconds, Long policyVersion, Integer queueDepth,
                               String policyError) {
}
