package io.aami.common.policy;

import io.aami.contract.policy.KeyRotation;

/**
 * The exact bytes a key-rotation signature covers: every field but the signature, in this order,
 * under the format {@code aami.key-rotation.v1}. The format member differs from the policy
 * bundle's, so a bundle signature can never be replayed as a rotation or the other way round.
 */
public final class KeyRotationCanonicalForm {
    public static final String FORMAT = "aami.key-rotation.v1";

    private KeyRotationCanonicalForm() {
    }

    public static byte[] canonical(KeyRotation rotation) {
        return new CanonicalJson().beginObject()
                .name("format").value(FORMAT)
                .name("old_key_id").value(rotation.oldKeyId())
                .name("new_public_key").value(rotation.newPublicKey())
                .name("new_key_id").value(rotation.newKeyId())
                .name("not_before").value(rotation.notBefore())
                .endObject().toBytes();
    }
}
