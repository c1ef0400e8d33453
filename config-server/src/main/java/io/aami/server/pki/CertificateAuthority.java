package io.aami.server.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.common.pki.PrivateFiles;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's certificate authority: signs agents' client certificates and the server's own
 * certificate. Generated on first start (ECDSA P-256, 10 years) or supplied by the operator.
 */
public final class CertificateAuthority {
    public static final String CERT_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);

    private final X509Certificate certificate;
    private final CertificateIssuer issuer;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock, SecureRandom random) {
        this.certificate = certificate;
        this.issuer = new CertificateIssuer(certificate, key, clock, random);
    }

    /**
     * The CA in {@code pkiDir/ca.crt} + {@code pkiDir/ca.key}, created there if neither exists. If only
     * one exists this fails rather than replace a CA every agent may already trust.
     */
    public static CertificateAuthority loadOrCreate(Path pkiDir, Clock clock, SecureRandom random) {
        Path cert = pkiDir.resolve(CERT_FILE);
        Path key = pkiDir.resolve(KEY_FILE);
        boolean haveCert = Files.exists(cert);
        if (haveCert != Files.exists(key)) {
            throw new PkiException("incomplete CA in " + pkiDir + ": " + (haveCert ? cert : key) + " exists but "
                    + (haveCert ? key : cert) + " does not; restore the missing file, or delete both to create a new "
                    + "CA (every agent must then be re-enrolled)");
        }
        if (haveCert) {
            return fromFiles(cert, key, clock, random);
        }
        KeyPair keys = Keys.generateEcP256(random);
        byte[] suffix = new byte[4];
        random.nextBytes(suffix);
        X509Certificate ca = CertificateIssuer.selfSignedCa(keys, "aami CA " + HexFormat.of().formatHex(suffix),
                CA_VALIDITY, clock, random);
        // Key first: a crash in between leaves a key without a certificate, which the check above reports.
        PrivateFiles.write(key, Pem.privateKeyToPem(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        PrivateFiles.writeWorldReadable(cert, Pem.certificateToPem(ca).getBytes(StandardCharsets.US_ASCII));
        LOG.info("created a new CA '{}' in {} (sha256 {}), valid until {}", ca.getSubjectX500Principal().getName(),
                pkiDir, Pem.sha256Hex(ca), ca.getNotAfter().toInstant());
        return new CertificateAuthority(ca, keys.getPrivate(), clock, random);
    }

    /** An operator-supplied CA; the certificate must be a CA certificate matching the key and still valid. */
    public static CertificateAuthority fromFiles(Path caCert, Path caKey, Clock clock, SecureRandom random) {
        X509Certificate cert = Pem.readCertificate(caCert);
        PrivateKey key = Pem.readPrivateKey(caKey);
        if (cert.getBasicConstraints() < 0) {
            throw new PkiException(caCert + " is not a CA certificate (basicConstraints CA:TRUE is missing)");
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && !usage[5]) {
            throw new PkiException(caCert + " may not sign certificates (keyUsage lacks keyCertSign)");
        }
        if (!Keys.matches(key, cert.getPublicKey())) {
            throw new PkiException("CA key " + caKey + " does not belong to CA certificate " + caCert);
        }
        if (cert.getNotAfter().toInstant().isBefore(clock.instant())) {
            throw new PkiException("CA certificate " + caCert + " expired at " + cert.getNotAfter().toInstant());
        }
        Keys.signatureAlgorithm(key); // fails fast on a key type we cannot sign with
        return new CertificateAuthority(cert, key, clock, random);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM, what {@code GET /api/v1/ca} serves. */
    public String pem() {
        return Pem.certificateToPem(certificate);
    }

    /** The pin agents configure as {@code server.tls.ca_cert_sha256}: hex SHA-256 of the certificate DER. */
    public String sha256Hex() {
        return Pem.sha256Hex(certificate);
    }

    /** A trust store holding only this CA (alias "ca"), for verifying agents' client certificates. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory trust store", e);
        }
    }

    /**
     * Signs a client certificate for {@code agentId} over the key in {@code csrPem}.
     *
     * @throws CsrRejectedException if the request is malformed, not self-signed, or its key is not accepted
     */
    public X509Certificate signClientCertificate(String csrPem, UUID agentId, Duration validity) {
        SubjectPublicKeyInfo key = CsrValidator.validate(csrPem);
        return issuer.clientCertificate(key, agentId, validity);
    }

    /** A TLS server certificate for {@code keys} naming exactly the given DNS names and IP literals. */
    public X509Certificate issueServerCertificate(KeyPair keys, List<String> dnsNames, List<String> ipAddresses,
                                                  Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        for (String ip : ipAddresses) {
            if (!IPAddress.isValid(ip)) {
                throw new IllegalArgumentException("'" + ip + "' is not an IP address literal");
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
        }
        return issuer.serverCertificate(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), names,
                validity);
    }
}
