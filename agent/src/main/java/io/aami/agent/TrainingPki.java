package io.aami.agent;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.common.policy.PolicyKeyId;
import io.aami.contract.policy.PolicyBundle;
import io.aami.contract.registration.AgentTlsNames;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The training stand-in's throwaway PKI, in memory only: a CA (the training agent's pinned CA), the stand-in's server
 * certificate for {@code localhost}, agent certificates issued from the agent's CSR as the config-server issues them
 * (CN and SANs of the agent id, TLS client and server use), and an Ed25519 policy-signing key. Nothing of it outlives
 * the training JVM; the agent that trusted it is deleted with its directory.
 */
final class TrainingPki {
    private static final Duration VALIDITY = Duration.ofHours(2);

    private final SecureRandom random = new SecureRandom();
    private final KeyPair caKeys = Keys.generateEcP256(random);
    private final X509Certificate ca;
    private final KeyPair serverKeys = Keys.generateEcP256(random);
    private final X509Certificate server;
    private final KeyPair policyKeys = Keys.generateEd25519(random);

    TrainingPki() throws GeneralSecurityException, IOException {
        X500Name caName = new X500Name("CN=aami-agent training CA");
        ca = sign(builder(caName, caName, caKeys.getPublic().getEncoded())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)));
        server = sign(builder(caName, new X500Name("CN=aami-agent training server"), serverKeys.getPublic().getEncoded())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")})));
    }

    String caPem() {
        return Pem.certificateToPem(ca);
    }

    /** An agent certificate for the key of {@code csrPem}, as the config-server's CA makes one. */
    String issueAgentCertificate(String csrPem, UUID agentId) throws GeneralSecurityException {
        SubjectPublicKeyInfo key = Pem.parseCsr(csrPem).getSubjectPublicKeyInfo();
        try {
            return Pem.certificateToPem(sign(builder(new X500Name("CN=aami-agent training CA"),
                    new X500Name("CN=" + agentId), key.getEncoded())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.uniformResourceIdentifier, AgentTlsNames.uri(agentId)),
                        new GeneralName(GeneralName.dNSName, AgentTlsNames.dnsName(agentId)),
                        new GeneralName(GeneralName.dNSName, AgentTlsNames.DOMAIN)}))));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot read the agent's CSR: " + e.getMessage(), e);
        }
    }

    /** The policy-signing key as enrollment hands it out: base64 of its SubjectPublicKeyInfo. */
    String policyPublicKey() {
        return Base64.getEncoder().encodeToString(policyKeys.getPublic().getEncoded());
    }

    String policyKeyId() {
        return PolicyKeyId.of(policyKeys.getPublic().getEncoded());
    }

    /** {@code bundle} signed as the config-server signs it: Ed25519 over its canonical form, key id included. */
    PolicyBundle sign(PolicyBundle bundle) throws GeneralSecurityException {
        PolicyBundle withKey = new PolicyBundle(bundle.version(), bundle.targetId(), bundle.generatedAt(), bundle.expiresAt(),
                bundle.checks(), bundle.probes(), policyKeyId(), null);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(policyKeys.getPrivate());
        signer.update(PolicyCanonicalForm.canonical(withKey));
        return new PolicyBundle(withKey.version(), withKey.targetId(), withKey.generatedAt(), withKey.expiresAt(),
                withKey.checks(), withKey.probes(), withKey.keyId(), Base64.getEncoder().encodeToString(signer.sign()));
    }

    /** The stand-in's TLS: its certificate chain, and client certificates of this CA asked for, not required (enrollment has none). */
    SSLContext serverTls() throws GeneralSecurityException, IOException {
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverKeys.getPrivate(), password, new X509Certificate[] {server, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), random);
        return tls;
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, byte[] spki) {
        Instant now = Instant.now();
        return new X509v3CertificateBuilder(issuer, new BigInteger(64, random).setBit(63), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, SubjectPublicKeyInfo.getInstance(spki));
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
        PrivateKey key = caKeys.getPrivate();
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(key)).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign a training certificate: " + e.getMessage(), e);
        }
    }
}
