package io.aami.server.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.common.pki.PrivateFiles;
import io.aami.common.policy.KeyRotationCanonicalForm;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.common.policy.PolicyKeyId;
import io.aami.contract.policy.KeyRotation;
import io.aami.contract.policy.PolicyBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs policy bundles with the server's Ed25519 key, which agents pin at enrollment. The key is
 * separate from the TLS CA so that it can be rotated, or kept offline, independently. Signatures are
 * computed by Bouncy Castle's RFC 8032 code, about twenty times faster than the JDK 17 provider (one
 * signature per waiting agent after a global change, 50,000 of them); Ed25519 is deterministic, so the
 * bytes are the very ones the JDK would produce, and agents verify them with the JDK.
 */
public final class PolicySigner {
    public static final String KEY_FILE = "policy-signing.key";
    public static final String PUBLIC_FILE = "policy-signing.pub";
    private static final Logger LOG = LoggerFactory.getLogger(PolicySigner.class);

    private final PrivateKey key;
    private final PublicKey publicKey;
    private final String keyId;
    /** The raw 32-byte private key and public key for Bouncy Castle; null if the key does not reveal them. */
    private final byte[] seed;
    private final byte[] rawPublic;

    private PolicySigner(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed) || !"Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            throw new PkiException("policy signing key must be Ed25519, got " + key.getAlgorithm());
        }
        this.key = key;
        this.publicKey = Keys.publicKeyOf(key);
        this.keyId = PolicyKeyId.of(publicKey.getEncoded());
        this.seed = ((EdECPrivateKey) key).getBytes().filter(b -> b.length == Ed25519.SECRET_KEY_SIZE).orElse(null);
        if (seed != null) {
            Ed25519.precompute();
            rawPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(seed, 0, rawPublic, 0);
        } else {
            rawPublic = null;
        }
    }

    /**
     * The key in {@code pkiDir/policy-signing.key}, created if missing. The public half is (re)written
     * to {@code policy-signing.pub} for operators; it is always derived from the private key.
     */
    public static PolicySigner loadOrCreate(Path pkiDir, SecureRandom random) {
        Path keyFile = pkiDir.resolve(KEY_FILE);
        PolicySigner signer;
        if (Files.exists(keyFile)) {
            signer = fromFile(keyFile);
        } else {
            KeyPair keys = Keys.generateEd25519(random);
            PrivateFiles.write(keyFile, Pem.privateKeyToPem(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
            signer = new PolicySigner(keys.getPrivate());
            LOG.info("created a new policy signing key {} in {}", signer.keyId, keyFile);
        }
        signer.writePublicKey(pkiDir.resolve(PUBLIC_FILE));
        return signer;
    }

    /** A new key, in memory only until {@link #saveTo}: the successor in a key rotation. */
    public static PolicySigner generate(SecureRandom random) {
        return new PolicySigner(Keys.generateEd25519(random).getPrivate());
    }

    /** Writes the private key (PKCS#8 PEM, 0600, atomically and durably). */
    public void saveTo(Path keyFile) {
        PrivateFiles.write(keyFile, Pem.privateKeyToPem(key).getBytes(StandardCharsets.US_ASCII));
    }

    /** An operator-supplied Ed25519 key (PKCS#8 PEM, as written by {@code openssl genpkey -algorithm ed25519}). */
    public static PolicySigner fromFile(Path keyFile) {
        PrivateKey key = Pem.readPrivateKey(keyFile);
        try {
            return new PolicySigner(key);
        } catch (PkiException e) {
            throw new PkiException(keyFile + ": " + e.getMessage(), e);
        }
    }

    private void writePublicKey(Path file) {
        String pem = Pem.publicKeyToPem(publicKey);
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.US_ASCII).equals(pem)) {
                return;
            }
        } catch (IOException e) {
            // Unreadable: rewrite it below.
        }
        PrivateFiles.writeWorldReadable(file, pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** First 16 hex digits of the SHA-256 of the SubjectPublicKeyInfo DER; the bundle's {@code key_id}. */
    public String keyId() {
        return keyId;
    }

    /** SubjectPublicKeyInfo DER, base64: what an agent receives at enrollment and pins. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** Base64 Ed25519 signature over {@code canonical} (see {@link PolicyCanonicalForm}). */
    public String sign(byte[] canonical) {
        if (seed != null) {
            byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(seed, 0, rawPublic, 0, canonical, 0, canonical.length, signature, 0);
            return Base64.getEncoder().encodeToString(signature);
        }
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(canonical);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * The statement, signed by this (outgoing) key, that {@code successor} signs bundles from
     * {@code notBefore} on: the only way an agent that pinned this key will trust the next one.
     */
    public KeyRotation rotationTo(PolicySigner successor, Instant notBefore) {
        KeyRotation unsigned = new KeyRotation(keyId, successor.publicKeyBase64(), successor.keyId(), notBefore, null);
        return new KeyRotation(keyId, unsigned.newPublicKey(), unsigned.newKeyId(), notBefore,
                sign(KeyRotationCanonicalForm.canonical(unsigned)));
    }

    /**
     * {@code bundle} with {@code key_id} set to this key and {@code signature} computed over its
     * canonical form (which covers {@code key_id}); any signature already present is replaced.
     */
    public PolicyBundle sign(PolicyBundle bundle) {
        return sign(bundle, PolicyCanonicalForm.content(bundle.checks(), bundle.probes()));
    }

    /**
     * {@link #sign(PolicyBundle)} with the bundle's checks and probes already rendered in canonical
     * form ({@code content}, from the same lists): the per-agent work is the header and the signature.
     */
    public PolicyBundle sign(PolicyBundle bundle, PolicyCanonicalForm.Content content) {
        PolicyBundle withKey = new PolicyBundle(bundle.version(), bundle.targetId(), bundle.generatedAt(),
                bundle.expiresAt(), bundle.checks(), bundle.probes(), keyId, null);
        String signature = sign(PolicyCanonicalForm.canonical(withKey, content));
        return new PolicyBundle(withKey.version(), withKey.targetId(), withKey.generatedAt(), withKey.expiresAt(),
                withKey.checks(), withKey.probes(), keyId, signature);
    }
}
