package io.aami.contract.policy;

import java.time.Instant;

/**
 * A statement, signed by the outgoing policy-signing key, that {@code newPublicKey} succeeds it from
 * {@code notBefore} on. An agent moves its pin only along such statements, verified under the key it
 * already pins, so an enrollment answer or a forged server cannot hand it a key of their choosing.
 * {@code signature}: base64 Ed25519 by the key {@code oldKeyId} over the statement's canonical form
 * (format {@code aami.key-rotation.v1}, see {@code KeyRotationCanonicalForm} in common).
 */
public record KeyRotation(String oldKeyId, String newPublicKey, String newKeyId, Instant notBefore, String signature) {
}
