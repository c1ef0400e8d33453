package io.aami.server.pki;

import static io.aami.server.pki.TestPki.RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.AgentTlsNames;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCertificateTest {
    static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");

    @TempDir
    Path dir;
    CertificateAuthority ca;
    final UUID agent = UUID.randomUUID();

    @BeforeEach
    void setUp() {
        ca = CertificateAuthority.loadOrCreate(dir, Clock.fixed(NOW, ZoneOffset.UTC), RANDOM);
    }

    @Test
    void signsAShortLivedClientCertificateNamingTheAgent() throws Exception {
        X509Certificate cert = ca.signClientCertificate(TestPki.csr(Keys.generateEcP256(RANDOM), "SHA256withECDSA",
                "CN=ignored"), agent, Duration.ofDays(7));

        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + agent);
        // Its identity for this server, and the names its local API answers to (agent.aami.internal: any agent).
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "urn:aami:agent:" + agent),
                List.of(2, agent + ".agent.aami.internal"), List.of(2, "agent.aami.internal"));
        assertThat(cert.getExtendedKeyUsage()).as("clientAuth and serverAuth")
                .containsExactly("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1");
        assertThat(AgentTlsNames.agentIdentityOf(cert)).as("never taken for a server's").contains("urn:aami:agent:" + agent);
        assertThat(cert.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(7)));
        assertThat(cert.getSerialNumber()).isPositive();
        assertThat(cert.getSerialNumber().bitLength()).isBetween(64, 128);
        assertThat(AgentCertificates.agentIdOf(cert)).isEqualTo(agent);
    }

    /**
     * Issue 13's clock skew: a peer 10 minutes behind (or up to an hour) accepts the CA, a server certificate and a
     * client certificate issued at this moment, as the JDK's PKIX checks them, by its own clock.
     */
    @Test
    void freshCertificatesAreValidForAPeerWhoseClockIsBehind() throws Exception {
        X509Certificate client = ca.signClientCertificate(TestPki.csr(Keys.generateEcP256(RANDOM), "SHA256withECDSA",
                "CN=ignored"), agent, Duration.ofHours(1));
        X509Certificate server = ca.issueServerCertificate(Keys.generateEcP256(RANDOM), List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofDays(30));
        for (Duration behind : List.of(Duration.ofMinutes(10), Duration.ofMinutes(59))) {
            java.util.Date peerNow = java.util.Date.from(NOW.minus(behind));
            for (X509Certificate cert : List.of(ca.certificate(), server, client)) {
                cert.checkValidity(peerNow); // throws CertificateNotYetValidException when not
            }
        }
        assertThatThrownBy(() -> client.checkValidity(java.util.Date.from(NOW.minus(Duration.ofMinutes(61)))))
                .as("the backdating is bounded").isInstanceOf(java.security.cert.CertificateNotYetValidException.class);
    }

    @Test
    void serialsAreRandom() throws Exception {
        String csr = TestPki.csr(Keys.generateEcP256(RANDOM), "SHA256withECDSA", "CN=x");
        BigInteger a = ca.signClientCertificate(csr, agent, Duration.ofDays(1)).getSerialNumber();
        BigInteger b = ca.signClientCertificate(csr, agent, Duration.ofDays(1)).getSerialNumber();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void acceptsTheKeyTypesWeSupport() throws Exception {
        for (KeyPair keys : List.of(TestPki.keys("EC", "secp384r1"), Keys.generateEd25519(RANDOM),
                TestPki.keys("RSA", 2048))) {
            X509Certificate cert = ca.signClientCertificate(TestPki.csr(keys, Keys.signatureAlgorithm(keys.getPrivate()),
                    "CN=x"), agent, Duration.ofHours(1));
            assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        }
    }

    @Test
    void ignoresWhatTheRequestAsksFor() throws Exception {
        KeyPair keys = Keys.generateEcP256(RANDOM);
        ExtensionsGenerator wanted = new ExtensionsGenerator();
        wanted.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "config-server.example")));
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + UUID.randomUUID()), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, wanted.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));

        X509Certificate cert = ca.signClientCertificate(Pem.csrToPem(csr), agent, Duration.ofDays(1));

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + agent);
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "urn:aami:agent:" + agent),
                List.of(2, agent + ".agent.aami.internal"), List.of(2, "agent.aami.internal"));
    }

    @Test
    void refusesARequestWhoseSignatureDoesNotVerify() throws Exception {
        String good = TestPki.csr(Keys.generateEcP256(RANDOM), "SHA256withECDSA", "CN=x");
        byte[] der = Pem.parseCsr(good).getEncoded();
        der[der.length - 3] ^= 0x01; // inside the signature value
        String tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";

        assertThatThrownBy(() -> ca.signClientCertificate(tampered, agent, Duration.ofDays(1)))
                .isInstanceOf(CsrRejectedException.class).hasMessageContaining("signature");
    }

    @Test
    void refusesARequestSignedByAnotherKey() throws Exception {
        KeyPair carried = Keys.generateEcP256(RANDOM);
        KeyPair other = Keys.generateEcP256(RANDOM);
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), carried.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate()));

        assertThatThrownBy(() -> ca.signClientCertificate(Pem.csrToPem(csr), agent,
                Duration.ofDays(1))).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("does not verify with the key it carries");
    }

    @Test
    void refusesWeakOrUnsupportedKeys() throws Exception {
        assertThatThrownBy(() -> ca.signClientCertificate(TestPki.csr(TestPki.keys("RSA", 1024), "SHA256withRSA",
                "CN=x"), agent, Duration.ofDays(1))).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("1024 bits");
        assertThatThrownBy(() -> ca.signClientCertificate(TestPki.csr(TestPki.keys("EC", "secp521r1"),
                "SHA512withECDSA", "CN=x"), agent, Duration.ofDays(1))).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("unsupported EC curve");
        assertThatThrownBy(() -> ca.signClientCertificate(TestPki.csr(TestPki.keys("DSA", 2048), "SHA256withDSA",
                "CN=x"), agent, Duration.ofDays(1))).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("is not accepted");
        assertThatThrownBy(() -> ca.signClientCertificate(TestPki.csr(Keys.generateEcP256(RANDOM), "SHA1withECDSA",
                "CN=x"), agent, Duration.ofDays(1))).isInstanceOf(CsrRejectedException.class)
                .hasMessageContaining("signature algorithm");
    }

    @Test
    void refusesGarbage() {
        for (String bad : new String[] {null, "", "hello", "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n"
                + "-----END CERTIFICATE REQUEST-----\n", "x".repeat(CsrValidator.MAX_PEM_CHARS + 1)}) {
            assertThatThrownBy(() -> ca.signClientCertificate(bad, agent, Duration.ofDays(1)))
                    .isInstanceOf(CsrRejectedException.class);
        }
    }

    @Test
    void validityMustBePositive() throws Exception {
        String csr = TestPki.csr(Keys.generateEcP256(RANDOM), "SHA256withECDSA", "CN=x");
        assertThatThrownBy(() -> ca.signClientCertificate(csr, agent, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validity");
    }
}
