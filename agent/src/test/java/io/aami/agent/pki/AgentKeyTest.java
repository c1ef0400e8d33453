package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.UUID;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentKeyTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void generatesAnOwnerOnlyP256KeyOnceAndReloadsIt() throws Exception {
        Path file = dir.resolve("state/agent.key");
        AgentKey key = AgentKey.loadOrCreate(file, RANDOM);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Keys.describe(key.publicKey())).isEqualTo("EC 256 bits");

        AgentKey again = AgentKey.loadOrCreate(file, RANDOM);
        assertThat(again.privateKey().getEncoded()).isEqualTo(key.privateKey().getEncoded());
        assertThat(again.publicKey()).isEqualTo(key.publicKey());
    }

    @Test
    void csrIsSelfSignedAndNamesTheAgent() throws Exception {
        AgentKey key = AgentKey.loadOrCreate(dir.resolve("agent.key"), RANDOM);
        UUID agent = UUID.randomUUID();

        PKCS10CertificationRequest csr = Pem.parseCsr(key.csrPem(agent));

        assertThat(csr.getSubject().toString()).isEqualTo("CN=" + agent);
        assertThat(csr.getSignatureAlgorithm().getAlgorithm().getId()).isEqualTo("1.2.840.10045.4.3.2");
        assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(key.publicKey().getEncoded());
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key.publicKey()))).isTrue();
    }

    @Test
    void refusesAKeyFileOfAnotherKindOrUnreadable() throws Exception {
        Path ed = Files.writeString(dir.resolve("ed.key"), Pem.privateKeyToPem(Keys.generateEd25519(RANDOM).getPrivate()));
        assertThatThrownBy(() -> AgentKey.loadOrCreate(ed, RANDOM)).isInstanceOf(PkiException.class)
                .hasMessageContaining(ed.toString()).hasMessageContaining("expected EC P-256");

        Path junk = Files.writeString(dir.resolve("junk.key"), "junk");
        assertThatThrownBy(() -> AgentKey.loadOrCreate(junk, RANDOM)).isInstanceOf(PkiException.class)
                .hasMessageContaining(junk.toString());
    }
}
