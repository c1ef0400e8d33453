package io.aami.contract.policy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything one agent should run: {@code GET /api/v1/checks/target/{id}}. {@code version}
 * strictly increases whenever anything in the set changes. {@code expiresAt}, {@code keyId} and
 * {@code signature} make the bundle verifiable offline (Ed25519 over the canonical form).
 */
public record PolicyBundle(long version, UUID targetId, Instant generatedAt, Instant expiresAt, List<CheckSpec> checks,
                           List<ProbeSpec> probes, String keyId, String signature) {
}
