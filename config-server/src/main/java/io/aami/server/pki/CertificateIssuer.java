package io.aami.server.pki;

import io.aami.common.pki.Keys;
import io.aami.common.pki.PkiException;
import io.aami.contract.registration.AgentTlsNames;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs certificates. Validity starts {@link #BACKDATE} in the past so a peer whose
 * clock is behind ours still accepts a certificate issued a second ago, and never ends after the
 * issuing CA does (such a certificate could not be validated anyway).
 */
final class CertificateIssuer {
    /**
     * An hour, as Let's Encrypt backdates: an agent whose clock is up to an hour behind still trusts a server
     * certificate or CA made a moment ago (the JDK checks validity by the local clock). Five minutes, before, left
     * an agent 10 minutes behind (issue 13's skew) unable to connect to a server for its first five minutes. Renewal
     * counts from notBefore, so it comes up to 0.3 h earlier, which a lifetime of at least an hour absorbs.
     */
    static final Duration BACKDATE = Duration.ofHours(1);

    private final X509Certificate caCert;
    private final PrivateKey caKey;
    private final Clock clock;
    private final SecureRandom random;

    CertificateIssuer(X509Certificate caCert, PrivateKey caKey, Clock clock, SecureRandom random) {
        this.caCert = caCert;
        this.caKey = caKey;
        this.clock = clock;
        this.random = random;
    }

    /** A self-signed CA that may sign end-entity certificates only (path length 0). */
    static X509Certificate selfSignedCa(KeyPair keys, String commonName, Duration validity, Clock clock,
                                        SecureRandom random) {
        X500Name name = cn(commonName);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), name,
                    SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return sign(b, keys.getPrivate(), random);
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("cannot build the CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Subject CN=<uuid>; SANs URI {@code urn:aami:agent:<uuid>} (who it is, for this server), DNS
     * {@code <uuid>.agent.aami.internal} and {@code agent.aami.internal} ({@link AgentTlsNames}: names only an agent
     * carries and no server may, so the agent's local API can present it); TLS client and server authentication.
     * Never a name from the CSR: a host could ask for this server's own name.
     */
    X509Certificate clientCertificate(SubjectPublicKeyInfo key, UUID agentId, Duration validity) {
        GeneralNames san = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.uniformResourceIdentifier, AgentTlsNames.uri(agentId)),
            new GeneralName(GeneralName.dNSName, AgentTlsNames.dnsName(agentId)),
            new GeneralName(GeneralName.dNSName, AgentTlsNames.DOMAIN)});
        return endEntity(cn(agentId.toString()), key, validity, san, KeyPurposeId.id_kp_clientAuth,
                KeyPurposeId.id_kp_serverAuth);
    }

    X509Certificate serverCertificate(SubjectPublicKeyInfo key, List<GeneralName> names, Duration validity) {
        GeneralNames san = new GeneralNames(names.toArray(GeneralName[]::new));
        return endEntity(cn("aami config-server"), key, validity, san, KeyPurposeId.id_kp_serverAuth);
    }

    private X509Certificate endEntity(X500Name subject, SubjectPublicKeyInfo key, Duration validity, GeneralNames san,
                                      KeyPurposeId... purposes) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("certificate validity must be positive, got " + validity);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = min(now.plus(validity), caCert.getNotAfter().toInstant());
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(new JcaX509CertificateHolder(caCert).getSubject(),
                    serial(random), Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectAlternativeName, false, san)
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            return sign(b, caKey, random);
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("cannot build a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, SecureRandom random)
            throws GeneralSecurityException {
        try {
            var signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(key)).setSecureRandom(random).build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with the CA key: " + e.getMessage(), e);
        }
    }

    /** 128 random bits, positive and non-zero as RFC 5280 requires; far beyond the 64 bits browsers demand. */
    private static BigInteger serial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(128, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private static X500Name cn(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
