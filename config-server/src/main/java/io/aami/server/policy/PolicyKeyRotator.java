package io.aami.server.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.policy.KeyRotation;
import io.aami.server.pki.PolicySigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * Rotates the policy-signing key in place: a new key, a statement signed by the old one that the new
 * one succeeds it (appended to {@link PolicyKeyRotations}), the old key kept as
 * {@code <key>.retired-<key id>}, the new key moved into its place. The steps are ordered so a crash
 * at any point leaves the old key signing, or the new one with its statement published, never a
 * statement naming a key that is lost. The server signs with the new key from its next start.
 */
public final class PolicyKeyRotator {
    private final ObjectMapper mapper;
    private final SecureRandom random;

    public PolicyKeyRotator(ObjectMapper mapper, SecureRandom random) {
        this.mapper = mapper;
        this.random = random;
    }

    /** Rotates the key in {@code keyFile}; returns the statement made. */
    public KeyRotation rotate(Path keyFile, Instant notBefore) {
        PolicySigner old = PolicySigner.fromFile(keyFile);
        PolicySigner next = PolicySigner.generate(random);
        Path staged = keyFile.resolveSibling(keyFile.getFileName() + ".next");
        next.saveTo(staged);
        KeyRotation statement = old.rotationTo(next, notBefore);
        new PolicyKeyRotations(keyFile.toAbsolutePath().getParent(), mapper).append(statement);
        try {
            Files.copy(keyFile, keyFile.resolveSibling(keyFile.getFileName() + ".retired-" + old.keyId()),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(staged, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put the new policy key in place of " + keyFile, e);
        }
        return statement;
    }
}
