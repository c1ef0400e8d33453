package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.json.WireJson;
import io.aami.common.pki.Keys;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --identities}: written 0600, read back whole, and refused when others could read it or it is a link. */
class IdentitiesTest {
    @TempDir
    Path dir;

    @Test
    void savedIdentitiesAreOwnerOnlyAndComeBackWithTheirKeysAndCertificates() throws Exception {
        KeyPair key = Keys.generateEcP256(new SecureRandom());
        X509Certificate cert = selfSigned(key);
        UUID id = UUID.randomUUID();
        Path file = dir.resolve("ids.json");
        Identities ids = new Identities(file, WireJson.mapper());
        assertThat(ids.load()).isNull();
        UUID group = UUID.randomUUID();
        UUID check = UUID.randomUUID();
        ids.save("ca-sha", group, check, List.of(new Enrollment.Enrolled(id, "aami_agent_x", key, cert),
                new Enrollment.Enrolled(UUID.randomUUID(), "aami_agent_y", null, null)));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Identities.Saved saved = ids.load();
        assertThat(saved.server()).isEqualTo("ca-sha");
        assertThat(saved.group()).isEqualTo(group);
        assertThat(saved.check()).isEqualTo(check);
        List<Enrollment.Enrolled> back = Identities.agents(saved);
        assertThat(back).hasSize(2);
        assertThat(back.get(0).id()).isEqualTo(id);
        assertThat(back.get(0).agentToken()).isEqualTo("aami_agent_x");
        assertThat(back.get(0).key().getPrivate().getEncoded()).isEqualTo(key.getPrivate().getEncoded());
        assertThat(back.get(0).certificate()).isEqualTo(cert);
        assertThat(back.get(1).key()).isNull();
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(file);
        }
    }

    @Test
    void aFileOthersCanReadOrALinkIsRefused() throws Exception {
        Path file = dir.resolve("ids.json");
        Identities ids = new Identities(file, WireJson.mapper());
        ids.save("-", UUID.randomUUID(), UUID.randomUUID(), List.of());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(ids::load).isInstanceOf(IOException.class).hasMessageContaining("chmod 600");

        Path link = Files.createSymbolicLink(dir.resolve("link.json"), file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(new Identities(link, WireJson.mapper())::load).isInstanceOf(IOException.class)
                .hasMessageContaining("not a regular file");
    }

    private static X509Certificate selfSigned(KeyPair key) throws Exception {
        X500Name name = new X500Name("CN=" + UUID.randomUUID());
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(), new Date(System.currentTimeMillis() + 86_400_000L),
                name, key.getPublic());
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(key.getPrivate())));
    }
}
