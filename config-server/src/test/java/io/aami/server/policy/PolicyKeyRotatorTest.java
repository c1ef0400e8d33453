package io.aami.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.json.WireJson;
import io.aami.common.pki.Keys;
import io.aami.common.policy.KeyRotationCanonicalForm;
import io.aami.contract.policy.KeyRotation;
import io.aami.contract.policy.PolicyKeyInfo;
import io.aami.server.cli.CommandContext;
import io.aami.server.cli.PolicyCommand;
import io.aami.server.pki.PolicySigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the policy-signing key on disk: the statements chain, each signed by the key it retires. */
class PolicyKeyRotatorTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    static boolean signedBy(String publicKeyBase64, KeyRotation r) throws Exception {
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(Keys.publicKeyFromSpki(Base64.getDecoder().decode(publicKeyBase64)));
        v.update(KeyRotationCanonicalForm.canonical(r));
        return v.verify(Base64.getDecoder().decode(r.signature()));
    }

    @Test
    void twoRotationsFromTheCliChainFromTheFirstKeyToTheServedOne() throws Exception {
        Path pki = dir.resolve("data/pki");
        PolicySigner first = PolicySigner.loadOrCreate(pki, new SecureRandom());
        PolicyCommand cli = new PolicyCommand(CommandContext.of(Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), Clock.fixed(NOW, ZoneOffset.UTC)));
        assertThat(cli.run(List.of("rotate-key", "--data-dir", dir.resolve("data").toString()))).isZero();
        PolicySigner second = PolicySigner.fromFile(pki.resolve(PolicySigner.KEY_FILE));
        assertThat(cli.run(List.of("rotate-key", "--data-dir", dir.resolve("data").toString()))).isZero();
        PolicySigner third = PolicySigner.fromFile(pki.resolve(PolicySigner.KEY_FILE));

        PolicyKeyInfo info = new PolicyKeyRotations(pki, WireJson.mapper()).info(third);
        assertThat(info.keyId()).isEqualTo(third.keyId());
        List<KeyRotation> chain = info.rotations();
        assertThat(chain).hasSize(2);
        assertThat(chain.get(0).oldKeyId()).isEqualTo(first.keyId());
        assertThat(chain.get(0).newKeyId()).isEqualTo(second.keyId());
        assertThat(chain.get(0).notBefore()).isEqualTo(NOW);
        assertThat(signedBy(first.publicKeyBase64(), chain.get(0))).isTrue();
        assertThat(chain.get(1).oldKeyId()).isEqualTo(second.keyId());
        assertThat(signedBy(second.publicKeyBase64(), chain.get(1))).isTrue();
        assertThat(signedBy(third.publicKeyBase64(), chain.get(1))).isFalse();
        // The retired keys are kept (0600); the live one is still private.
        assertThat(PolicySigner.fromFile(pki.resolve(PolicySigner.KEY_FILE + ".retired-" + first.keyId())).keyId()).isEqualTo(first.keyId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(PolicySigner.KEY_FILE)))).isEqualTo("rw-------");
        assertThat(Files.exists(pki.resolve(PolicySigner.KEY_FILE + ".next"))).isFalse();
    }

    @Test
    void withoutAKeyTheCliSaysSoAndChangesNothing() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PolicyCommand cli = new PolicyCommand(CommandContext.of(Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err), Clock.systemUTC()));
        assertThat(cli.run(List.of("rotate-key", "--data-dir", dir.toString()))).isEqualTo(1);
        assertThat(err.toString()).contains("no signing key");
        assertThat(cli.run(List.of("rotate"))).isEqualTo(2);
    }
}
