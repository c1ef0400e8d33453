package io.aami.contract.policy;

import java.util.List;

/**
 * {@code GET /api/v1/policy-key} (public, like the CA): the key bundles are signed with now
 * ({@code publicKey}: base64 SubjectPublicKeyInfo DER, {@code keyId}) and every rotation statement
 * the server has made, oldest first, so an agent that slept through several rotations can walk the
 * chain from the key it pinned. Nothing here is trusted for itself: only statements that verify.
 */
public record PolicyKeyInfo(String publicKey, String keyId, List<KeyRotation> rotations) {
}
