package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaPinTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void acceptsTheCaInAnySpellingOfItsPin() {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC(), RANDOM);
        String pin = ca.sha256Hex();
        String openssl = String.join(":", pin.toUpperCase().split("(?<=\\G..)"));

        for (String spelling : List.of(pin, "sha256:" + pin, openssl, "SHA256:" + openssl)) {
            assertThatCode(() -> CaPin.verify(ca.certificate(), spelling)).as(spelling).doesNotThrowAnyException();
        }
        assertThat(CaPin.normalize(openssl)).isEqualTo(pin);
    }

    @Test
    void mismatchNamesBothPins() {
        X509Certificate ca = CertificateAuthority.loadOrCreate(dir.resolve("a"), Clock.systemUTC(), RANDOM).certificate();
        String otherPin = CertificateAuthority.loadOrCreate(dir.resolve("b"), Clock.systemUTC(), RANDOM).sha256Hex();

        assertThatThrownBy(() -> CaPin.verify(ca, otherPin)).isInstanceOf(CaPinMismatchException.class)
                .hasMessageContaining("expected sha256:" + otherPin)
                .hasMessageContaining("got sha256:" + Pem.sha256Hex(ca));
    }

    @Test
    void malformedPinsAndNonCaCertificatesAreRefused() {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC(), RANDOM);
        assertThatThrownBy(() -> CaPin.verify(ca.certificate(), "abc")).isInstanceOf(PkiException.class)
                .isNotInstanceOf(CaPinMismatchException.class).hasMessageContaining("64 hex digits");

        X509Certificate leaf = ca.issueServerCertificate(Keys.generateEcP256(RANDOM), List.of("x"), List.of(),
                Duration.ofDays(1));
        assertThatThrownBy(() -> CaPin.verify(leaf, Pem.sha256Hex(leaf)))
                .isInstanceOf(PkiException.class).hasMessageContaining("is not a CA certificate");
    }
}
