package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.json.WireJson;
import io.aami.contract.policy.KeyRotation;
import io.aami.server.pki.PolicySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trust on first use, then only rotations signed by the pinned key; real Ed25519 keys from the server's signer. */
class PolicyKeyPinTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    PolicySigner key(String name) {
        return PolicySigner.loadOrCreate(dir.resolve(name), new SecureRandom());
    }

    PolicyKeyPin load() {
        return PolicyKeyPin.load(dir.resolve("state/policy-key.json"), WireJson.mapper(1 << 20), Optional.empty());
    }

    @Test
    void theFirstKeyIsPinnedDurablyAndAnotherKeyIsNeverAcceptedAtEnrollment() throws Exception {
        PolicySigner a = key("a");
        PolicySigner forged = key("forged");
        PolicyKeyPin pin = load();
        assertThat(pin.verifier()).isEmpty();
        assertThat(pin.acceptEnrollmentKey(a.publicKeyBase64())).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/policy-key.json")))).isEqualTo("rw-------");
        assertThat(pin.acceptEnrollmentKey(forged.publicKeyBase64())).isFalse();
        assertThat(pin.acceptEnrollmentKey("not a key")).isFalse();
        assertThat(pin.keyId()).isEqualTo(a.keyId());
        // After a restart, the same.
        PolicyKeyPin again = load();
        assertThat(again.keyId()).isEqualTo(a.keyId());
        assertThat(again.acceptEnrollmentKey(forged.publicKeyBase64())).isFalse();
        assertThat(again.acceptEnrollmentKey(a.publicKeyBase64())).isTrue();
    }

    @Test
    void aRotationSignedByThePinnedKeyMovesThePinAndSurvivesARestart() {
        PolicySigner a = key("a");
        PolicySigner b = key("b");
        PolicySigner c = key("c");
        PolicyKeyPin pin = load();
        pin.acceptEnrollmentKey(a.publicKeyBase64());
        // Two rotations, listed newest first: the agent that slept through both walks the chain.
        assertThat(pin.follow(List.of(b.rotationTo(c, NOW), a.rotationTo(b, NOW.minusSeconds(60))), NOW)).isTrue();
        assertThat(pin.keyId()).isEqualTo(c.keyId());
        assertThat(load().keyId()).isEqualTo(c.keyId());
        assertThat(load().acceptEnrollmentKey(a.publicKeyBase64())).isFalse();
    }

    @Test
    void rotationsNotSignedByThePinnedKeyNotYetInForceOrMisnamedAreIgnored() {
        PolicySigner a = key("a");
        PolicySigner evil = key("evil");
        PolicyKeyPin pin = load();
        pin.acceptEnrollmentKey(a.publicKeyBase64());
        KeyRotation genuine = a.rotationTo(evil, NOW);
        // Self-signed by the new key, claiming to retire the pinned one.
        KeyRotation selfSigned = new KeyRotation(a.keyId(), genuine.newPublicKey(), genuine.newKeyId(), NOW,
                evil.rotationTo(evil, NOW).signature());
        KeyRotation future = a.rotationTo(evil, NOW.plus(Duration.ofDays(1)));
        KeyRotation misnamed = new KeyRotation(genuine.oldKeyId(), genuine.newPublicKey(), "0000000000000000", NOW, genuine.signature());
        KeyRotation swappedKey = new KeyRotation(genuine.oldKeyId(), key("other").publicKeyBase64(), genuine.newKeyId(), NOW,
                genuine.signature());
        java.util.ArrayList<KeyRotation> hostile = new java.util.ArrayList<>(List.of(selfSigned, future, misnamed, swappedKey));
        hostile.add(null);
        assertThat(pin.follow(hostile, NOW)).isFalse();
        assertThat(pin.keyId()).isEqualTo(a.keyId());
        assertThat(load().keyId()).isEqualTo(a.keyId());
        assertThat(pin.follow(null, NOW)).isFalse();
    }

    @Test
    void aKeyKeptByAnOlderAgentInItsCredentialBecomesThePinAndAnUnreadablePinStopsTheAgent() throws Exception {
        PolicySigner a = key("a");
        Path file = dir.resolve("state/policy-key.json");
        PolicyKeyPin legacy = PolicyKeyPin.load(file, WireJson.mapper(1 << 20), Optional.of(a.publicKeyBase64()));
        assertThat(legacy.keyId()).isEqualTo(a.keyId());
        assertThat(load().keyId()).isEqualTo(a.keyId());
        Files.writeString(file, "{garbage");
        assertThatThrownBy(this::load).isInstanceOf(IllegalStateException.class).hasMessageContaining("unreadable");
    }
}
