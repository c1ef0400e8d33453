package io.aami.common.policy;

import io.aami.common.pki.Pem;

/**
 * The {@code key_id} of a policy-signing key: the first 16 hex digits of the SHA-256 of its
 * SubjectPublicKeyInfo DER. Server and agent compute it the same way, so a bundle names the key
 * it was signed with and an agent can tell "signed by another key" from "tampered with".
 */
public final class PolicyKeyId {
    private PolicyKeyId() {
    }

    public static String of(byte[] subjectPublicKeyInfoDer) {
        return Pem.sha256Hex(subjectPublicKeyInfoDer).substring(0, 16);
    }
}
