package io.aami.agent.pki;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.util.DurableFile;
import io.aami.common.pki.PkiException;
import io.aami.common.policy.KeyRotationCanonicalForm;
import io.aami.contract.policy.KeyRotation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy-signing key this agent trusts, in {@code <state_dir>/policy-key.json} (0600, written
 * durably). Trust on first use: the first enrollment pins the key it is given; after that the pin
 * moves only along a rotation statement that verifies under the key already pinned. An enrollment
 * answer, a re-enrollment or a forged server offering another key changes nothing. To trust a new
 * server from scratch an operator deletes the file (root only) before the agent enrolls again.
 */
public final class PolicyKeyPin {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyKeyPin.class);

    /** What the file holds: the pinned SubjectPublicKeyInfo (base64) and its key id. */
    record Pinned(String publicKey, String keyId) {
    }

    private final Path file;
    private final ObjectMapper mapper;
    private volatile PolicyVerifier verifier;

    private PolicyKeyPin(Path file, ObjectMapper mapper, PolicyVerifier verifier) {
        this.file = file;
        this.mapper = mapper;
        this.verifier = verifier;
    }

    /**
     * The pin in {@code file}; when there is none yet but {@code legacyKey} is (the key an older agent
     * kept in its credential file), that key becomes the pin. A file that exists but cannot be read
     * stops the agent: silently re-pinning would hand trust to whoever answers next.
     */
    public static PolicyKeyPin load(Path file, ObjectMapper mapper, Optional<String> legacyKey) {
        PolicyKeyPin pin = new PolicyKeyPin(file, mapper, null);
        if (Files.exists(file)) {
            try {
                Pinned p = mapper.readValue(file.toFile(), Pinned.class);
                pin.verifier = new PolicyVerifier(p.publicKey());
            } catch (IOException | PkiException e) {
                throw new IllegalStateException("the pinned policy key " + file + " is unreadable (" + e.getMessage()
                        + "); restore it, or delete it to trust the key of the next enrollment", e);
            }
        } else if (legacyKey.isPresent()) {
            pin.pin(new PolicyVerifier(legacyKey.get()), legacyKey.get());
        }
        return pin;
    }

    /** The verifier for the pinned key; empty before the first enrollment. */
    public Optional<PolicyVerifier> verifier() {
        return Optional.ofNullable(verifier);
    }

    /** The pinned key's id, or null before the first enrollment. */
    public String keyId() {
        PolicyVerifier v = verifier;
        return v == null ? null : v.keyId();
    }

    /**
     * An enrollment answer's key: pinned if nothing is yet; otherwise accepted only if it is the
     * pinned key. Returns whether {@code publicKey} is now the pinned key.
     */
    public synchronized boolean acceptEnrollmentKey(String publicKey) {
        PolicyVerifier offered;
        try {
            offered = new PolicyVerifier(publicKey);
        } catch (PkiException e) {
            return false;
        }
        if (verifier == null) {
            pin(offered, publicKey);
            LOG.info("pinned the policy-signing key {}", offered.keyId());
            return true;
        }
        return verifier.keyId().equals(offered.keyId());
    }

    /**
     * Follows the rotation statements from the pinned key, each verified under the key it retires
     * and in force at {@code now}; returns whether the pin moved (then it is stored before this returns).
     */
    public synchronized boolean follow(List<KeyRotation> rotations, Instant now) {
        if (verifier == null || rotations == null) {
            return false;
        }
        PolicyVerifier current = verifier;
        String currentKey = null;
        for (int step = 0; step < rotations.size(); step++) {
            KeyRotation next = nextFrom(current, rotations, now);
            if (next == null) {
                break;
            }
            LOG.warn("policy-signing key rotated from {} to {} by a statement the old key signed", current.keyId(), next.newKeyId());
            current = new PolicyVerifier(next.newPublicKey());
            currentKey = next.newPublicKey();
        }
        if (currentKey == null) {
            return false;
        }
        pin(current, currentKey);
        return true;
    }

    private static KeyRotation nextFrom(PolicyVerifier current, List<KeyRotation> rotations, Instant now) {
        for (KeyRotation r : rotations) {
            if (r == null || !current.keyId().equals(r.oldKeyId()) || r.notBefore() == null || r.notBefore().isAfter(now)) {
                continue;
            }
            byte[] canonical;
            try {
                canonical = KeyRotationCanonicalForm.canonical(r);
            } catch (RuntimeException e) {
                continue;
            }
            if (current.verify(canonical, r.signature()) && namesItsKey(r)) {
                return r;
            }
        }
        return null;
    }

    private static boolean namesItsKey(KeyRotation r) {
        try {
            return new PolicyVerifier(r.newPublicKey()).keyId().equals(r.newKeyId());
        } catch (PkiException e) {
            return false;
        }
    }

    private void pin(PolicyVerifier v, String publicKey) {
        try {
            DurableFile.write(file, mapper.writeValueAsBytes(new Pinned(publicKey.strip(), v.keyId())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the pinned policy key in " + file, e);
        }
        verifier = v;
    }
}
