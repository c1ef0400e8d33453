package io.aami.contract.registration;

import java.util.Map;
import java.util.UUID;

/**
 * The seed's BootstrapRegister body, {@code POST /api/v1/bootstrap-tokens/register}. {@code agent_id}
 * is the agent-side UUID from {@code /etc/aami/agent-id}; absent means "server, pick one". {@code csr} is a
 * PEM PKCS#10 request for the agent's own key (required when the server runs TLS).
 * {@code agent_token_sha256} (optional, lowercase hex, {@link AgentTokenFormat#SHA256_HEX}) is the SHA-256
 * of the {@code agent_token} the agent chose itself: the server stores it as the agent's credential and
 * sends no token back, so a lost answer can be retried and a replayed request yields nothing secret.
 * Absent (older agents): the server generates the token and returns it.
 */
public record RegisterRequest(String token, UUID agentId, String hostname, String ipAddress, UUID groupId,
                              Map<String, String> labels, Map<String, String> metadata, String csr,
                              String agentTokenSha256) {
}
