package io.aami.agent.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server key manager that presents the certificate and key in two PEM files as they are at each handshake: every
 * handshake compares the files' stamps (inode, size, modification time; two {@code stat}s) and re-reads them when
 * either changed. Certificate renewal rewrites {@code agent.key} and {@code agent.crt} (each by an atomic rename), an
 * operator's tool (certbot) rewrites its own files: either way the next handshake presents the new pair, no restart.
 *
 * <p>The two files are not replaced at the same instant: while they do not belong together (the key is new, the
 * certificate not yet), the last good pair is kept and the files are read again at the next handshake. Before any
 * good pair (the agent's own files appear only at enrollment) there is no certificate and handshakes fail.
 * Each pair gets its own alias and the previous one stays resolvable, so a handshake that chose an alias just
 * before a swap still gets a key and chain that belong together.
 */
public final class FileKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger(FileKeyManager.class);

    private record Stamp(Object fileKey, long size, long modifiedNanos) {
    }


    private final Path certFile;
    private final Path keyFile;
    private volatile Stamp certStamp;
    private volatile Stamp keyStamp;
    private final KeyIdentities identities = new KeyIdentities("api");
    /** The problem last logged, so a half-renewed pair is reported once, not at every handshake. */
    private String lastProblem;

    public FileKeyManager(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        refresh();
    }

    /** The leaf certificate presented now (after re-reading changed files), or null when there is none. */
    public X509Certificate certificate() {
        refresh();
        return identities.leaf();
    }

    /** Re-reads the files if either changed since they were read. */
    private void refresh() {
        Stamp cert = stamp(certFile);
        Stamp key = stamp(keyFile);
        if (Objects.equals(cert, certStamp) && Objects.equals(key, keyStamp)) {
            return;
        }
        synchronized (this) {
            if (!Objects.equals(cert, certStamp) || !Objects.equals(key, keyStamp)) {
                load(cert, key);
            }
        }
    }

    private void load(Stamp cert, Stamp key) {
        try {
            List<X509Certificate> chain = Pem.readCertificates(certFile);
            PrivateKey privateKey = Pem.readPrivateKey(keyFile);
            if (!Keys.matches(privateKey, chain.get(0).getPublicKey())) {
                throw new PkiException("the key in " + keyFile + " does not belong to the certificate in " + certFile);
            }
            identities.replace(privateKey, chain);
            // Stamped only once the pair is good: a half-replaced pair is read again at the next handshake.
            certStamp = cert;
            keyStamp = key;
            lastProblem = null;
            LOG.info("local API presents {} (valid until {})", chain.get(0).getSubjectX500Principal(),
                    chain.get(0).getNotAfter().toInstant());
        } catch (PkiException e) {
            if (!e.getMessage().equals(lastProblem)) {
                lastProblem = e.getMessage();
                LOG.warn("local API TLS: {}; {}", e.getMessage(), !identities.present() ? "no certificate to present yet"
                        : "still presenting the previous certificate");
            }
        }
    }

    private static Stamp stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
        } catch (IOException e) {
            return null;
        }
    }

    private String alias(String keyType) {
        refresh();
        return identities.alias(keyType == null ? null : new String[] {keyType});
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return identities.chain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return identities.key(alias);
    }

    /** Server side only: the local API never connects anywhere with this identity. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
