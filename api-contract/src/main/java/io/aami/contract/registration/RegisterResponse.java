package io.aami.contract.registration;

import java.util.Map;
import java.util.UUID;

/** The agent's identity and its own secret for later calls ({@code agent_token}, shown once). */
public record RegisterResponse(UUID agentId, String agentToken, int heartbeatIntervalSeconds, UUID groupId,
                               Map<String, String> labels) {
}
