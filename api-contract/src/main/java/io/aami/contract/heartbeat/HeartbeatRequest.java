package io.aami.contract.heartbeat;

/** {@code POST /api/v1/agents/{id}/heartbeat}. */
public record HeartbeatRequest(String agentVersion, Long uptimeSeconds, String policyVersion, Integer queueDepth) {
}
