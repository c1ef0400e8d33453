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
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's TLS client key (ECDSA P-256). It is generated on the host and never leaves it: the
 * server only ever sees a CSR, which proves possession of the key without revealing it.
 */
public final class AgentKey {
    private static final Logger LOG = LoggerFactory.getLogger(AgentKey.class);
    private static final Set<PosixFilePermission> SHARED = EnumSet.complementOf(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final SecureRandom random;

    private AgentKey(PrivateKey privateKey, SecureRandom random) {
        this.privateKey = privateKey;
        this.publicKey = Keys.publicKeyOf(privateKey);
        this.random = random;
    }

    /** The key in {@code keyFile} (PKCS#8 PEM), generated and written with mode 0600 if the file does not exist. */
    public static AgentKey loadOrCreate(Path keyFile, SecureRandom random) {
        if (!Files.exists(keyFile)) {
            AgentKey key = generate(random);
            key.save(keyFile);
            LOG.info("generated a new agent key in {}", keyFile);
            return key;
        }
        PrivateKey loaded = Pem.readPrivateKey(keyFile);
        if (!(loaded instanceof ECPrivateKey)) {
            throw new PkiException("agent key " + keyFile + " is a " + loaded.getAlgorithm() + " key; expected EC P-256");
        }
        warnIfShared(keyFile);
        return new AgentKey(loaded, random);
    }

    /**
     * A fresh key held only in memory, for renewal with key rotation: request the certificate with
     * it, and {@link #save} it only once the new certificate has arrived.
     */
    public static AgentKey generate(SecureRandom random) {
        KeyPair keys = Keys.generateEcP256(random);
        return new AgentKey(keys.getPrivate(), random);
    }

    /** A key kept as PKCS#8 PEM elsewhere (an enrollment under way); refused unless it is EC. */
    public static AgentKey fromPem(String pem, SecureRandom random) {
        PrivateKey parsed = Pem.parsePrivateKey(pem);
        if (!(parsed instanceof ECPrivateKey)) {
            throw new PkiException("stored key is a " + parsed.getAlgorithm() + " key; expected EC P-256");
        }
        return new AgentKey(parsed, random);
    }

    /** PKCS#8 PEM: a secret, for 0600 files only. */
    public String pem() {
        return Pem.privateKeyToPem(privateKey);
    }

    /** Writes the key as PKCS#8 PEM, mode 0600, atomically. */
    public void save(Path keyFile) {
        try {
            DurableFile.write(keyFile, Pem.privateKeyToPem(privateKey).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + keyFile, e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** A PKCS#10 request (SHA256withECDSA, subject CN=<agentId>); the server decides the final subject anyway. */
    public String csrPem(UUID agentId) {
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, agentId.toString()).build();
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random).build(privateKey);
            return Pem.csrToPem(new JcaPKCS10CertificationRequestBuilder(subject, publicKey).build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a CSR with the agent key: " + e.getMessage(), e);
        }
    }

    private static void warnIfShared(Path keyFile) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile);
            if (mode.stream().anyMatch(SHARED::contains)) {
                LOG.warn("agent key {} is accessible to other users; run: chmod 600 {}", keyFile, keyFile);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Nothing to warn about where permissions cannot be read.
        }
    }
}
