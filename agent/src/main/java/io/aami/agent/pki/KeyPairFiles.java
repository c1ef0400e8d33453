package io.aami.agent.pki;

import io.aami.agent.util.DurableFile;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(KeyPairFiles.class);
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
     * and answers instead of refusing the replaced certificate the agent still presents. A kept key that already belongs
     * to the live certificate (its renewal was installed) is not reused; one that cannot be parsed is replaced, but an
     * error reading it is not taken for that: it fails this attempt and keeps the key for the next.
     */
    AgentKey renewalKey(SecureRandom random) {
        if (!closedToOthers(renewingKey.getParent())) {
            // Anyone who can write there could plant a key of theirs for the agent to have certified: keep none.
            LOG.warn("{} can be written by other users: the key of a renewal is not kept there (a lost answer cannot be"
                    + " retried); make it owned by {} and writable by it alone", renewingKey.getParent(),
                    System.getProperty("user.name"));
            return AgentKey.generate(random);
        }
        if (Files.exists(renewingKey)) {
            String pem = read(renewingKey);
            AgentKey kept = null;
            try {
                kept = AgentKey.fromPem(pem, random);
            } catch (PkiException e) {
                LOG.warn("the key kept for an unanswered renewal ({}) is unusable ({}); asking for a new one", renewingKey,
                        e.getMessage());
            }
            if (kept != null && (!Files.exists(cert) || belongingTo(cert, List.of(renewingKey)).isEmpty())) {
                return kept;
            }
            delete(renewingKey);
        }
        return AgentKey.loadOrCreate(renewingKey, random);
    }

    /** Whether {@code dir} is this process's user's and no one else may write in it (the state directory is 0700). */
    static boolean closedToOthers(Path dir) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir.toAbsolutePath(), PosixFileAttributes.class);
            Set<PosixFilePermission> mode = a.permissions();
            return a.owner().getName().equals(System.getProperty("user.name"))
                    && !mode.contains(PosixFilePermission.GROUP_WRITE) && !mode.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Whether a renewal asked for a key and no certificate for it has been installed yet. */
    boolean renewalPending() {
        return Files.exists(renewingKey);
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
                () -> rename(nextKey, key),
                () -> rename(nextCert, cert),
                this::forgetRenewalKey);
        inOrder.subList(0, steps).forEach(Runnable::run);
    }

    /**
     * Finishes a replacement a stop interrupted once its new pair was whole, or removes the part of one that never was.
     * Prefers, in order: the staged certificate with whichever kept key belongs to it (the swap had begun or was about
     * to), then the live certificate with whichever does (the live key, else a staged or renewal key that belongs to it).
     *
     * @return what it did, for the log; empty when there was nothing to do
     */
    Optional<String> recover() {
        removeTemporaries();
        List<Path> keys = existing(key, nextKey, renewingKey);
        Optional<Path> keyForNext = Files.exists(nextCert) ? belongingTo(nextCert, keys) : Optional.empty();
        String done = null;
        if (keyForNext.isPresent()) {
            rename(keyForNext.get(), key);
            rename(nextCert, cert);
            done = "finished replacing " + key + " and " + cert + ", which a stop had interrupted";
        } else if (Files.exists(cert) && (!Files.exists(key) || belongingTo(cert, List.of(key)).isEmpty())) {
            Optional<Path> keyForLive = belongingTo(cert, keys);
            if (keyForLive.isPresent()) {
                rename(keyForLive.get(), key);
                done = "took " + keyForLive.get() + " as " + key + ": it, not the old key there, belongs to " + cert;
            }
        }
        boolean leftovers = Files.exists(nextKey) || Files.exists(nextCert);
        delete(nextKey);
        delete(nextCert);
        if (Files.exists(renewingKey) && Files.exists(cert) && belongingTo(cert, List.of(renewingKey)).isPresent()) {
            forgetRenewalKey(); // its renewal was installed; the last step did not run
        }
        if (done == null && leftovers) {
            done = "removed an unfinished new key or certificate beside " + key + "; the current pair stays";
        }
        return Optional.ofNullable(done);
    }

    /**
     * Best effort: once the pair is live a failure here must not fail the installation (the agent would go on presenting
     * the old certificate); a kept key that belongs to the live certificate is neither asked for again ({@link
     * #renewalKey}) nor kept past the next start ({@link #recover}).
     */
    private void forgetRenewalKey() {
        try {
            Files.deleteIfExists(renewingKey);
        } catch (IOException e) {
            LOG.warn("cannot remove {}, whose certificate is installed: {}", renewingKey, e.toString());
        }
    }

    private static List<Path> existing(Path... files) {
        List<Path> found = new ArrayList<>();
        for (Path f : files) {
            if (Files.exists(f)) {
                found.add(f);
            }
        }
        return found;
    }

    /**
     * The first of {@code keyFiles} whose key belongs to the certificate in {@code certFile}. A file that does not parse
     * is no candidate; one that cannot be read fails recovery (UncheckedIOException) instead of being taken for
     * "does not belong" and deleted, which could throw away the only copy of a certificate the server issued.
     */
    private static Optional<Path> belongingTo(Path certFile, List<Path> keyFiles) {
        X509Certificate c;
        try {
            c = Pem.parseCertificate(read(certFile));
        } catch (PkiException e) {
            return Optional.empty();
        }
        for (Path k : keyFiles) {
            String pem = read(k);
            try {
                if (Keys.matches(Pem.parsePrivateKey(pem), c.getPublicKey())) {
                    return Optional.of(k);
                }
            } catch (PkiException e) {
                // not a key: not a candidate
            }
        }
        return Optional.empty();
    }

    /**
     * Removes what a write killed half-way left ({@code .agent.key.next…tmp} and the like, made by {@link
     * io.aami.common.pki.PrivateFiles}: temporary files holding a private key). Only at start, when nothing writes them.
     */
    private void removeTemporaries() {
        for (Path live : List.of(key, cert)) {
            String prefix = "." + live.getFileName();
            try (var found = Files.newDirectoryStream(live.toAbsolutePath().getParent(),
                    f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".tmp"))) {
                for (Path f : found) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                LOG.warn("cannot remove what an interrupted write left beside {}: {}", live, e.toString());
            }
        }
    }

    private static void rename(Path from, Path to) {
        if (!from.equals(to)) {
            try {
                DurableFile.rename(from, to);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rename " + from + " to " + to, e);
            }
        }
    }

    /** Writes {@code cert} as PEM, 0644, durably (the agent's certificates: its own and the CA it trusts). */
    static void writeCertificate(Path file, X509Certificate cert) {
        try {
            DurableFile.writeWorldReadable(file, Pem.certificateToPem(cert).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
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
