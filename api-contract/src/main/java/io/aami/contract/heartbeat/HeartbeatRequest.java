package io.aami.contract.heartbeat;

/** {@code POST /api/v1/agents/{id}/heartbeat}; {@code policy_version} is the bundle version the agent runs. */
public record HeartbeatRequest(String agentVersion, Long uptimeSeconds, Long policyVersion, Integer queueDepth) {
}
