package io.aami.server.pki;

import static io.aami.server.pki.TestPki.RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.contract.policy.PolicyBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySignerTest {
    @TempDir
    Path dir;

    @Test
    void createsAnEd25519KeyOnceAndReloadsIt() throws Exception {
        PolicySigner signer = PolicySigner.loadOrCreate(dir, RANDOM);

        assertThat(TestPki.mode(dir.resolve("policy-signing.key"))).isEqualTo("rw-------");
        assertThat(TestPki.mode(dir.resolve("policy-signing.pub"))).isEqualTo("rw-r--r--");
        PublicKey pub = Pem.readPublicKey(dir.resolve("policy-signing.pub"));
        assertThat(Base64.getEncoder().encodeToString(pub.getEncoded())).isEqualTo(signer.publicKeyBase64());
        assertThat(signer.keyId()).isEqualTo(Pem.sha256Hex(pub.getEncoded()).substring(0, 16)).hasSize(16);

        PolicySigner again = PolicySigner.loadOrCreate(dir, RANDOM);
        assertThat(again.keyId()).isEqualTo(signer.keyId());
        assertThat(again.publicKeyBase64()).isEqualTo(signer.publicKeyBase64());

        Files.delete(dir.resolve("policy-signing.pub"));
        PolicySigner.loadOrCreate(dir, RANDOM);
        assertThat(Pem.readPublicKey(dir.resolve("policy-signing.pub"))).isEqualTo(pub);
    }

    @Test
    void signaturesAreByteForByteTheJdkProvidersOnes() throws Exception {
        PolicySigner signer = PolicySigner.loadOrCreate(dir, RANDOM);
        java.security.PrivateKey key = Pem.readPrivateKey(dir.resolve("policy-signing.key"));
        for (String text : List.of("", "canonical bytes", "x".repeat(10_000))) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(key);
            jdk.update(data);
            assertThat(signer.sign(data)).isEqualTo(Base64.getEncoder().encodeToString(jdk.sign()));
        }
    }

    @Test
    void signaturesVerifyWithThePublishedKey() throws Exception {
        PolicySigner signer = PolicySigner.loadOrCreate(dir, RANDOM);
        byte[] data = "canonical bytes".getBytes(StandardCharsets.UTF_8);
        PublicKey pub = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(signer.publicKeyBase64())));

        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(pub);
        verifier.update(data);
        assertThat(verifier.verify(Base64.getDecoder().decode(signer.sign(data)))).isTrue();
        verifier.update("other bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(signer.sign(data)))).isFalse();
    }

    @Test
    void signsABundleOverItsCanonicalFormIncludingTheKeyId() throws Exception {
        PolicySigner signer = PolicySigner.loadOrCreate(dir, RANDOM);
        PolicyBundle unsigned = new PolicyBundle(3, UUID.randomUUID(), Instant.now(), Instant.now(), List.of(),
                List.of(), null, "stale");

        PolicyBundle signed = signer.sign(unsigned);

        assertThat(signed.keyId()).isEqualTo(signer.keyId());
        assertThat(signed.signature()).isEqualTo(signer.sign(PolicyCanonicalForm.canonical(signed)));
        assertThat(signed.version()).isEqualTo(3);
    }

    @Test
    void suppliedKeyMustBeEd25519() throws Exception {
        Path ec = Files.writeString(dir.resolve("ec.key"), Pem.privateKeyToPem(Keys.generateEcP256(RANDOM).getPrivate()));
        assertThatThrownBy(() -> PolicySigner.fromFile(ec)).isInstanceOf(PkiException.class)
                .hasMessageContaining(ec.toString()).hasMessageContaining("must be Ed25519");

        Path ed = Files.writeString(dir.resolve("ed.key"),
                Pem.privateKeyToPem(Keys.generateEd25519(RANDOM).getPrivate()));
        assertThat(PolicySigner.fromFile(ed).keyId()).hasSize(16);
    }
}
