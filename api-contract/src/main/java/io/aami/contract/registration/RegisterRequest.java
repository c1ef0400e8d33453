package io.aami.contract.registration;

import java.util.Map;
import java.util.UUID;

/**
 * The seed's BootstrapRegister body, {@code POST /api/v1/bootstrap-tokens/register}. {@code agent_id}
 * is the agent-side UUID from {@code /etc/aami/agent-id}; absent means "server, pick one". {@code csr} is a
 * PEM PKCS#10 request for the agent's own key (required when the server runs TLS).
 */
public record RegisterRequest(String token, UUID agentId, String hostname, String ipAddress, UUID groupId,
                              Map<String, String> labels, Map<String, String> metadata, String csr) {
}
