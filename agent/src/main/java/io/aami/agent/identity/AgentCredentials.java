package io.aami.agent.identity;

import java.time.Instant;
import java.util.UUID;

/** What enrollment earned: the agent's id and its own secret for later calls. */
public record AgentCredentials(UUID agentId, String agentToken, String server, Instant enrolledAt) {
    @Override
    public String toString() {
        return "AgentCredentials[agentId=" + agentId + ", server=" + server + ", enrolledAt=" + enrolledAt + "]";
    }
}
