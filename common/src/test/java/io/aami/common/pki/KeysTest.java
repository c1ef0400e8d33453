package io.aami.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class KeysTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void derivesThePublicHalfOfEveryKindWeUse() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"), random);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048, random);
        for (KeyPair pair : new KeyPair[] {Keys.generateEcP256(random), p384.generateKeyPair(),
                Keys.generateEd25519(random), rsa.generateKeyPair()}) {
            assertThat(Keys.publicKeyOf(pair.getPrivate()).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
            assertThat(Keys.matches(pair.getPrivate(), pair.getPublic())).isTrue();
        }
    }

    @Test
    void mismatchedHalvesDoNotMatch() {
        KeyPair a = Keys.generateEcP256(random);
        KeyPair b = Keys.generateEcP256(random);
        KeyPair ed = Keys.generateEd25519(random);

        assertThat(Keys.matches(a.getPrivate(), b.getPublic())).isFalse();
        assertThat(Keys.matches(a.getPrivate(), ed.getPublic())).isFalse();
        assertThat(Keys.matches(ed.getPrivate(), Keys.generateEd25519(random).getPublic())).isFalse();
    }

    @Test
    void choosesASignatureAlgorithmPerKey() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"), random);

        assertThat(Keys.signatureAlgorithm(Keys.generateEcP256(random).getPrivate())).isEqualTo("SHA256withECDSA");
        assertThat(Keys.signatureAlgorithm(p384.generateKeyPair().getPrivate())).isEqualTo("SHA384withECDSA");
        assertThat(Keys.signatureAlgorithm(Keys.generateEd25519(random).getPrivate())).isEqualTo("Ed25519");
        assertThat(Keys.describe(Keys.generateEcP256(random).getPublic())).isEqualTo("EC 256 bits");
    }

    @Test
    void unsupportedKeysAreRefusedClearly() throws Exception {
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(2048, random);
        KeyPair pair = dsa.generateKeyPair();

        assertThatThrownBy(() -> Keys.publicKeyFromSpki(pair.getPublic().getEncoded()))
                .isInstanceOf(PkiException.class).hasMessageContaining("unsupported key algorithm");
        assertThatThrownBy(() -> Keys.signatureAlgorithm(pair.getPrivate()))
                .isInstanceOf(PkiException.class).hasMessageContaining("unsupported private key type DSA");
        assertThatThrownBy(() -> Keys.publicKeyFromSpki(new byte[] {1, 2, 3})).isInstanceOf(PkiException.class);
    }
}
