package io.aami.contract.registration;

import java.util.Map;
import java.util.UUID;

/**
 * The agent's identity: its id, its own secret ({@code agent_token}, shown once: the credential when
 * TLS is off, the proof for re-enrollment when it is on), its client certificate signed by the CA
 * (PEM, with TLS), the CA certificate, and the Ed25519 key that signs its policy bundles (base64
 * SubjectPublicKeyInfo), which the agent pins.
 */
public record RegisterResponse(UUID agentId, String agentToken, int heartbeatIntervalSeconds, UUID groupId,
                               Map<String, String> labels, String clientCertificate, String caCertificate,
                               String policyPublicKey, String policyKeyId) {
}
