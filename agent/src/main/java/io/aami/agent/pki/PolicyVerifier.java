package io.aami.agent.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.PkiException;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.common.policy.PolicyKeyId;
import io.aami.contract.policy.PolicyBundle;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.util.Base64;

/**
 * Checks policy signatures against the Ed25519 key pinned at enrollment. Anything that is not a
 * valid signature by that key (malformed base64, wrong length, another key) is simply "not
 * verified": a hostile server response must not be able to throw its way past the check.
 */
public final class PolicyVerifier {
    private final PublicKey key;
    private final String keyId;

    /**
     * @param publicKeyBase64 SubjectPublicKeyInfo DER, base64, as the server handed it out at enrollment
     * @throws PkiException if it is not an Ed25519 public key
     */
    public PolicyVerifier(String publicKeyBase64) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(publicKeyBase64 == null ? "" : publicKeyBase64.strip());
        } catch (IllegalArgumentException e) {
            throw new PkiException("policy signing public key is not base64: " + e.getMessage(), e);
        }
        PublicKey parsed = Keys.publicKeyFromSpki(der);
        if (!(parsed instanceof EdECPublicKey ed) || !"Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            throw new PkiException("policy signing public key must be Ed25519, got " + parsed.getAlgorithm());
        }
        this.key = parsed;
        this.keyId = PolicyKeyId.of(der);
    }

    /** The pinned key's id, to compare with a bundle's {@code key_id}. */
    public String keyId() {
        return keyId;
    }

    public boolean verify(byte[] canonical, String signatureBase64) {
        if (canonical == null || signatureBase64 == null) {
            return false;
        }
        try {
            byte[] sig = Base64.getDecoder().decode(signatureBase64);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(canonical);
            return verifier.verify(sig);
        } catch (Exception e) {
            // Malformed input of any kind is a failed verification, never an error path an attacker can steer.
            return false;
        }
    }

    /** Whether {@code bundle} names the pinned key and carries a valid signature over its canonical form. */
    public boolean verify(PolicyBundle bundle) {
        if (bundle == null || !keyId.equals(bundle.keyId())) {
            return false;
        }
        byte[] canonical;
        try {
            canonical = PolicyCanonicalForm.canonical(bundle);
        } catch (RuntimeException e) {
            return false;
        }
        return verify(canonical, bundle.signature());
    }
}
