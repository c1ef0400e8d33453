package io.aami.agent.identity;

import java.time.Instant;
import java.util.UUID;

/**
 * What enrollment earned: the agent's id, its own secret (the credential without TLS; the proof for
 * re-enrollment with TLS) and the policy signing key it pins (base64 SubjectPublicKeyInfo and key id).
 */
public record AgentCredentials(UUID agentId, String agentToken, String server, Instant enrolledAt, String policyPublicKey,
                               String policyKeyId) {
    @Override
    public String toString() {
        return "AgentCredentials[agentId=" + agentId + ", server=" + server + ", enrolledAt=" + enrolledAt
                + ", policyKeyId=" + policyKeyId + "]";
    }
}
