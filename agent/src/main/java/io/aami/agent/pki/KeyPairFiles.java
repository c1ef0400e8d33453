package io.aami.agent.pki;

import io.aami.agent.util.DurableFile;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.common.pki.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The agent's key and certificate files, replaced as a pair. Each file alone is replaced atomically, but two files
 * cannot be, so a stop between them (kill -9, power loss, a renewal interrupted) used to leave the new key beside the
 * old certificate: no pair, so no mutual TLS, and the agent's only way back was a new enrollment with a bootstrap
 * token it may no longer have.
 *
 * <p>Now the new pair is first written whole beside the live one ({@code agent.key.next}, {@code agent.crt.next}),
 * then the key and then the certificate are renamed over the live files. {@link #recover}, at the next start, finishes
 * a replacement whose new pair was whole rather than undoing it: the server has issued that certificate, and the one
 * it replaced is accepted only for a grace period after. A new pair that was never whole is removed and the live
 * pair, untouched, stays.
 */
final class KeyPairFiles {
    static final String NEXT = ".next";
    static final String RENEWING = ".renewing";

    private final Path key;
    private final Path cert;
    private final Path nextKey;
    private final Path nextCert;
    private final Path renewingKey;

    KeyPairFiles(Path key, Path cert) {
        this.key = key;
        this.cert = cert;
        this.nextKey = key.resolveSibling(key.getFileName() + NEXT);
        this.nextCert = cert.resolveSibling(cert.getFileName() + NEXT);
        this.renewingKey = key.resolveSibling(key.getFileName() + RENEWING);
    }

    /**
     * The key to renew with: the one the last renewal asked a certificate for, while that renewal is unanswered, else a
     * new one, kept ({@code agent.key.renewing}, 0600) before its CSR leaves the host. If the answer is lost (the
     * connection drops, the agent is killed), the retry asks again for the same key, which the server recognises
     * and answers instead of refusing the replaced certificate the agent still presents.
     */
    AgentKey renewalKey(SecureRandom random) {
        try {
            return AgentKey.loadOrCreate(renewingKey, random);
        } catch (PkiException e) {
            delete(renewingKey);
            return AgentKey.loadOrCreate(renewingKey, random);
        }
    }

    /** Makes {@code newKey} and {@code newCert} (which belong together) the live pair, recoverably at every step. */
    void replace(AgentKey newKey, X509Certificate newCert) {
        replaceUpTo(newKey, newCert, STEPS);
    }

    static final int STEPS = 5;

    /** The first {@code steps} of {@link #replace}: what a stop after that step leaves behind (tests stop it there). */
    void replaceUpTo(AgentKey newKey, X509Certificate newCert, int steps) {
        List<Runnable> inOrder = List.of(
                () -> newKey.save(nextKey),
                () -> writeCertificate(nextCert, newCert),
                () -> PrivateFiles.rename(nextKey, key),
                () -> PrivateFiles.rename(nextCert, cert),
                () -> delete(renewingKey));
        inOrder.subList(0, steps).forEach(Runnable::run);
    }

    private static void writeCertificate(Path file, X509Certificate cert) {
        try {
            DurableFile.writeWorldReadable(file, Pem.certificateToPem(cert).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Finishes a replacement a stop interrupted once its new pair was whole, or removes the part of one that never was.
     *
     * @return what it did, for the log; empty when there was nothing to do
     */
    Optional<String> recover() {
        boolean keyStaged = Files.exists(nextKey);
        boolean certStaged = Files.exists(nextCert);
        if (!keyStaged && !certStaged) {
            if (Files.exists(renewingKey) && Files.exists(cert) && belongTogether(renewingKey, cert)) {
                delete(renewingKey); // its renewal was installed; the last step did not run
            }
            return Optional.empty();
        }
        // Staged key: the renames had not begun. Certificate alone: the key was renamed, the certificate not yet.
        if (certStaged && belongTogether(keyStaged ? nextKey : key, nextCert)) {
            if (keyStaged) {
                PrivateFiles.rename(nextKey, key);
            }
            PrivateFiles.rename(nextCert, cert);
            delete(renewingKey);
            return Optional.of("finished replacing " + key + " and " + cert + ", which a stop had interrupted");
        }
        delete(nextKey);
        delete(nextCert);
        return Optional.of("removed an unfinished new key or certificate beside " + key + "; the current pair stays");
    }

    private static boolean belongTogether(Path keyFile, Path certFile) {
        try {
            return Keys.matches(Pem.readPrivateKey(keyFile), Pem.readCertificate(certFile).getPublicKey());
        } catch (PkiException e) {
            return false;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
