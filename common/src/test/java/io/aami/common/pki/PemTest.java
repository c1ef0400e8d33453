package io.aami.common.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void certificatesAndChainsRoundTrip() throws Exception {
        X509Certificate a = SelfSigned.of(Keys.generateEcP256(random), "a");
        X509Certificate b = SelfSigned.of(Keys.generateEd25519(random), "b");

        assertThat(Pem.parseCertificate(Pem.certificateToPem(a))).isEqualTo(a);
        assertThat(Pem.parseCertificates(Pem.chainToPem(List.of(a, b)))).containsExactly(a, b);
        assertThatThrownBy(() -> Pem.parseCertificate(Pem.chainToPem(List.of(a, b))))
                .isInstanceOf(PkiException.class).hasMessageContaining("exactly one certificate, found 2");
    }

    @Test
    void privateKeysRoundTripForEveryKindWeUse() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048, random);
        for (KeyPair pair : List.of(Keys.generateEcP256(random), Keys.generateEd25519(random), rsa.generateKeyPair())) {
            String pem = Pem.privateKeyToPem(pair.getPrivate());
            assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
            PrivateKey back = Pem.parsePrivateKey(pem);
            assertThat(back.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
            assertThat(Keys.matches(back, pair.getPublic())).isTrue();
        }
    }

    @Test
    void readsOpenSslTraditionalEcKeys() throws Exception {
        KeyPair pair = Keys.generateEcP256(random);
        // What `openssl ecparam -genkey` writes: SEC1 with the curve and the public point inside.
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) pair.getPrivate()).getS(),
                new DERBitString(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData()
                        .getBytes()), SECObjectIdentifiers.secp256r1).getEncoded();
        // ... preceded by a parameters block, which must be skipped.
        String pem = block("EC PARAMETERS", new byte[] {6, 8, 42, -122, 72, -50, 61, 3, 1, 7}) + block("EC PRIVATE KEY", sec1);

        assertThat(Keys.matches(Pem.parsePrivateKey(pem), pair.getPublic())).isTrue();
    }

    @Test
    void refusesEncryptedKeysWithAHint() throws Exception {
        byte[] der = new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2), new byte[32])
                .getEncoded();
        assertThatThrownBy(() -> Pem.parsePrivateKey(block("ENCRYPTED PRIVATE KEY", der)))
                .isInstanceOf(PkiException.class).hasMessageContaining("encrypted private keys are not supported");
    }

    @Test
    void publicKeysAndCsrsRoundTrip() throws Exception {
        KeyPair pair = Keys.generateEcP256(random);
        assertThat(Pem.parsePublicKey(Pem.publicKeyToPem(pair.getPublic()))).isEqualTo(pair.getPublic());

        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        assertThat(Pem.parseCsr(Pem.csrToPem(csr)).getEncoded()).isEqualTo(csr.getEncoded());
    }

    @Test
    void malformedInputIsAPkiException() {
        assertThatThrownBy(() -> Pem.parseCertificates("")).isInstanceOf(PkiException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Pem.parseCertificates("hello")).isInstanceOf(PkiException.class)
                .hasMessageContaining("no CERTIFICATE");
        assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(PkiException.class);
        assertThatThrownBy(() -> Pem.parseCertificates(block("CERTIFICATE", new byte[] {48, 3, 2, 1, 1})))
                .isInstanceOf(PkiException.class);
        assertThatThrownBy(() -> Pem.parsePrivateKey(block("PUBLIC KEY", new byte[] {1})))
                .isInstanceOf(PkiException.class);
        assertThatThrownBy(() -> Pem.parseCsr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"))
                .isInstanceOf(PkiException.class);
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("ca.crt");
        assertThatThrownBy(() -> Pem.readCertificate(missing)).isInstanceOf(PkiException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
        Path junk = Files.writeString(dir.resolve("ca.key"), "not a key");
        assertThatThrownBy(() -> Pem.readPrivateKey(junk)).isInstanceOf(PkiException.class)
                .hasMessageContaining(junk.toString()).hasMessageContaining("no PRIVATE KEY");
    }

    @Test
    void sha256HexIsTheDigestOfTheDer() throws Exception {
        X509Certificate cert = SelfSigned.of(Keys.generateEcP256(random), "pin");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));

        assertThat(Pem.sha256Hex(cert)).isEqualTo(expected).matches("[0-9a-f]{64}");
        assertThat(Pem.sha256Hex(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void pinsAreAcceptedInEveryCommonSpelling() {
        String hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        String colons = String.join(":", hex.toUpperCase().split("(?<=\\G..)"));

        assertThat(Pem.parsePin(hex)).isEqualTo(hex);
        assertThat(Pem.parsePin("sha256:" + hex)).isEqualTo(hex);
        assertThat(Pem.parsePin(" SHA256:" + colons + " ")).isEqualTo(hex);
        assertThat(Pem.parsePin(colons)).isEqualTo(hex);
        for (String bad : List.of("", hex.substring(1), hex + "0", "sha1:" + hex, hex.replace('e', 'g'))) {
            assertThatThrownBy(() -> Pem.parsePin(bad)).as(bad).isInstanceOf(PkiException.class)
                    .hasMessageContaining("64 hex digits");
        }
        assertThatThrownBy(() -> Pem.parsePin(null)).isInstanceOf(PkiException.class);
    }

    private static String block(String type, byte[] der) throws Exception {
        var out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }
}
