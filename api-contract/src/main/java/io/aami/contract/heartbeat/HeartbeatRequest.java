package io.aami.contract.heartbeat;

/**
 * {@code POST /api/v1/agents/{id}/heartbeat}. {@code policy_version} is the bundle version the agent runs;
 * {@code policy_error} says why it refused the last bundle it was offered (null when it accepted it);
 * {@code local_api} where the agent's local API (and its {@code /metrics}) listens, null when it is off
 * (the Prometheus service discovery lists agents from it; older agents send none); {@code spool_dropped} how many
 * undelivered results the agent's spools have dropped (full spool) since the agent process started, null from
 * agents older than the field (unknown, which is not 0).
 */
public record HeartbeatRequest(String agentVersion, Long uptimeSeconds, Long policyVersion, Integer queueDepth,
                               String policyError, LocalApiAddress localApi, Long spoolDropped) {

    /** A heartbeat that does not say how many results were dropped (as agents before {@code spool_dropped}). */
    public HeartbeatRequest(String agentVersion, Long uptimeSeconds, Long policyVersion, Integer queueDepth,
                            String policyError, LocalApiAddress localApi) {
        this(agentVersion, uptimeSeconds, policyVersion, queueDepth, policyError, localApi, null);
    }
}
