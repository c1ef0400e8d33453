package io.aami.contract.registration;

import java.util.Map;
import java.util.UUID;

/**
 * The seed's BootstrapRegister body, {@code POST /api/v1/bootstrap-tokens/register}. {@code agent_id}
 * is the agent-side UUID from {@code /etc/aami/agent-id}; absent means "server, pick one".
 */
public record RegisterRequest(String token, UUID agentId, String hostname, String ipAddress, UUID groupId,
                              Map<String, String> labels, Map<String, String> metadata) {
}
