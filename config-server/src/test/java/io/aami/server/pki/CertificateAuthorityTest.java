package io.aami.server.pki;

import static io.aami.server.pki.TestPki.RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void createsAConstrainedCaAndReloadsTheSameOne() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        X509Certificate cert = ca.certificate();

        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).matches("CN=aami CA [0-9a-f]{8}");
        assertThat(cert.getBasicConstraints()).isZero();
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(cert.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(Keys.describe(cert.getPublicKey())).isEqualTo("EC 256 bits");
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(TestPki.mode(dir.resolve("ca.key"))).isEqualTo("rw-------");
        assertThat(TestPki.mode(dir.resolve("ca.crt"))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(dir.resolve("ca.key"))).doesNotContain(ca.pem());

        CertificateAuthority again = CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        assertThat(again.certificate()).isEqualTo(cert);
        assertThat(again.sha256Hex()).isEqualTo(ca.sha256Hex()).isEqualTo(Pem.sha256Hex(cert)).hasSize(64);
        assertThat(Pem.parseCertificate(again.pem())).isEqualTo(cert);
        assertThat(again.trustStore().getCertificate("ca")).isEqualTo(cert);
    }

    @Test
    void twoInstallationsGetDifferentCaNames() {
        X509Certificate a = CertificateAuthority.loadOrCreate(dir.resolve("a"), CLOCK, RANDOM).certificate();
        X509Certificate b = CertificateAuthority.loadOrCreate(dir.resolve("b"), CLOCK, RANDOM).certificate();
        assertThat(a.getSubjectX500Principal()).isNotEqualTo(b.getSubjectX500Principal());
    }

    @Test
    void refusesToReplaceAHalfPresentCa() throws Exception {
        CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        Files.delete(dir.resolve("ca.key"));

        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM))
                .isInstanceOf(PkiException.class).hasMessageContaining("incomplete CA")
                .hasMessageContaining(dir.resolve("ca.key").toString());
    }

    @Test
    void suppliedCaWhoseKeyDoesNotMatchIsRefused() throws Exception {
        CertificateAuthority.loadOrCreate(dir.resolve("a"), CLOCK, RANDOM);
        CertificateAuthority.loadOrCreate(dir.resolve("b"), CLOCK, RANDOM);

        assertThatThrownBy(() -> CertificateAuthority.fromFiles(dir.resolve("a/ca.crt"), dir.resolve("b/ca.key"), CLOCK,
                RANDOM)).isInstanceOf(PkiException.class)
                .hasMessageContaining("does not belong to CA certificate " + dir.resolve("a/ca.crt"));
    }

    @Test
    void suppliedLeafCertificateIsNotACa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        KeyPair keys = Keys.generateEcP256(RANDOM);
        X509Certificate leaf = ca.issueServerCertificate(keys, List.of("x"), List.of(), Duration.ofDays(1));
        Path cert = Files.writeString(dir.resolve("leaf.crt"), Pem.certificateToPem(leaf));
        Path key = Files.writeString(dir.resolve("leaf.key"), Pem.privateKeyToPem(keys.getPrivate()));

        assertThatThrownBy(() -> CertificateAuthority.fromFiles(cert, key, CLOCK, RANDOM))
                .isInstanceOf(PkiException.class).hasMessageContaining(cert + " is not a CA certificate");
    }

    @Test
    void suppliedExpiredCaIsRefused() {
        Clock longAgo = Clock.fixed(NOW.minus(Duration.ofDays(4000)), ZoneOffset.UTC);
        CertificateAuthority.loadOrCreate(dir, longAgo, RANDOM);

        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM))
                .isInstanceOf(PkiException.class).hasMessageContaining("expired");
    }

    @Test
    void suppliedMaterialIsUsedAsIs() {
        CertificateAuthority created = CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        CertificateAuthority supplied = CertificateAuthority.fromFiles(dir.resolve("ca.crt"), dir.resolve("ca.key"),
                CLOCK, RANDOM);
        assertThat(supplied.certificate()).isEqualTo(created.certificate());
    }

    @Test
    void serverCertificatesNameExactlyWhatIsAsked() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        X509Certificate cert = ca.issueServerCertificate(Keys.generateEcP256(RANDOM), List.of("a.example", "b"),
                List.of("10.0.0.1", "::1"), Duration.ofDays(30));

        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "a.example"), List.of(2, "b"),
                List.of(7, "10.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThatThrownBy(() -> ca.issueServerCertificate(Keys.generateEcP256(RANDOM), List.of(), List.of("1.2.3"),
                Duration.ofDays(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.2.3");
    }

    @Test
    void clientCertificatesNeverOutliveTheCa() throws Exception {
        CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
        Clock nearCaExpiry = Clock.fixed(NOW.plus(Duration.ofDays(3648)), ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.fromFiles(dir.resolve("ca.crt"), dir.resolve("ca.key"),
                nearCaExpiry, RANDOM);

        X509Certificate cert = ca.signClientCertificate(TestPki.csr(Keys.generateEcP256(RANDOM), "SHA256withECDSA",
                "CN=x"), UUID.randomUUID(), Duration.ofDays(7));

        assertThat(cert.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }
}
