package io.aami.server.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.common.pki.PrivateFiles;
import io.aami.contract.registration.AgentTlsNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS key and certificate chain (leaf, then CA). Generated material is re-issued on
 * start when it is close to expiry, no longer issued by the current CA, or no longer names what
 * is wanted; it is derived data, so a damaged copy is replaced rather than fatal.
 */
public final class ServerIdentity {
    public static final String CERT_FILE = "server.crt";
    public static final String KEY_FILE = "server.key";
    public static final String KEY_ALIAS = "server";
    static final Duration VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(ServerIdentity.class);

    private final PrivateKey key;
    private final List<X509Certificate> chain;

    private ServerIdentity(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** Uses {@code pkiDir/server.crt} + {@code server.key}, issuing new ones from {@code ca} when needed. */
    public static ServerIdentity loadOrCreate(Path pkiDir, CertificateAuthority ca, List<String> extraNames, Clock clock,
                                              SecureRandom random) {
        return loadOrCreate(pkiDir, ca, ServerNames.wanted(extraNames, ServerNames.localHostName()), clock, random);
    }

    static ServerIdentity loadOrCreate(Path pkiDir, CertificateAuthority ca, ServerNames names, Clock clock,
                                       SecureRandom random) {
        Path certFile = pkiDir.resolve(CERT_FILE);
        Path keyFile = pkiDir.resolve(KEY_FILE);
        Optional<ServerIdentity> existing = load(certFile, keyFile);
        Optional<String> staleBecause = existing.map(id -> id.staleness(ca, names, clock)).orElse(Optional.of("missing"));
        if (staleBecause.isEmpty()) {
            return existing.get();
        }
        KeyPair keys = Keys.generateEcP256(random);
        X509Certificate leaf = ca.issueServerCertificate(keys, names.dnsNames(), names.ipAddresses(), VALIDITY);
        ServerIdentity fresh = new ServerIdentity(keys.getPrivate(), List.of(leaf, ca.certificate()));
        PrivateFiles.write(keyFile, Pem.privateKeyToPem(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        PrivateFiles.writeWorldReadable(certFile, Pem.chainToPem(fresh.chain).getBytes(StandardCharsets.US_ASCII));
        LOG.info("issued a server certificate ({}) for {}, valid until {}", staleBecause.get(), names,
                leaf.getNotAfter().toInstant());
        return fresh;
    }

    private static Optional<ServerIdentity> load(Path certFile, Path keyFile) {
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServerIdentity(Pem.readPrivateKey(keyFile), Pem.readCertificates(certFile)));
        } catch (PkiException e) {
            LOG.warn("replacing the generated server certificate: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Why this generated identity must be replaced, or empty if it is fine. */
    private Optional<String> staleness(CertificateAuthority ca, ServerNames names, Clock clock) {
        X509Certificate leaf = certificate();
        if (!Keys.matches(key, leaf.getPublicKey())) {
            return Optional.of("key and certificate did not match");
        }
        try {
            leaf.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return Optional.of("the CA changed");
        }
        if (leaf.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
            return Optional.of("the previous one expires " + leaf.getNotAfter().toInstant());
        }
        if (!names.matches(leaf)) {
            return Optional.of("the wanted names changed");
        }
        return Optional.empty();
    }

    /** Operator-supplied material: a PEM chain (leaf first) and the leaf's private key. */
    public static ServerIdentity fromFiles(Path certChain, Path keyFile, Clock clock) {
        List<X509Certificate> chain = Pem.readCertificates(certChain);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        X509Certificate leaf = chain.get(0);
        if (!Keys.matches(key, leaf.getPublicKey())) {
            throw new PkiException("server key " + keyFile + " does not belong to the first certificate in " + certChain
                    + " (" + leaf.getSubjectX500Principal() + "); the leaf certificate must come first");
        }
        if (leaf.getNotAfter().toInstant().isBefore(clock.instant())) {
            throw new PkiException("server certificate " + certChain + " expired at " + leaf.getNotAfter().toInstant());
        }
        String agents = AgentTlsNames.agentIdentityOf(leaf);
        if (agents != null) {
            throw new PkiException("server certificate " + certChain + " cannot be this server's: " + agents
                    + "; agents refuse a server certificate that is an agent's");
        }
        return new ServerIdentity(key, chain);
    }

    /** Leaf first, then the CA. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** An in-memory PKCS#12 store with the key and chain under alias {@value #KEY_ALIAS}, for Jetty. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, key, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory key store: " + e.getMessage(), e);
        }
    }
}
