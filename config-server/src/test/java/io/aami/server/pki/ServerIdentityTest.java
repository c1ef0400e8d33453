package io.aami.server.pki;

import static io.aami.server.pki.TestPki.RANDOM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.common.pki.Pem;
import io.aami.common.pki.PkiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentityTest {
    static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;
    CertificateAuthority ca;

    @BeforeEach
    void setUp() {
        ca = CertificateAuthority.loadOrCreate(dir, CLOCK, RANDOM);
    }

    private ServerIdentity identity(List<String> extra, Clock clock) {
        return ServerIdentity.loadOrCreate(dir, ca, ServerNames.wanted(extra, Optional.of("MyHost.")), clock, RANDOM);
    }

    @Test
    void namesTheConfiguredNamesTheHostAndLoopback() throws Exception {
        ServerIdentity id = identity(List.of("aami.example.com", "10.1.2.3", "2001:DB8::1"), CLOCK);
        X509Certificate leaf = id.certificate();

        assertThat(leaf.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "aami.example.com"),
                List.of(2, "myhost"), List.of(2, "localhost"), List.of(7, "10.1.2.3"), List.of(7, "2001:db8:0:0:0:0:0:1"),
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
        assertThat(id.chain()).containsExactly(leaf, ca.certificate());
        leaf.verify(ca.certificate().getPublicKey());
        assertThat(Pem.readCertificates(dir.resolve("server.crt"))).isEqualTo(id.chain());
        assertThat(TestPki.mode(dir.resolve("server.key"))).isEqualTo("rw-------");
    }

    @Test
    void keepsAValidCertificateAcrossRestarts() {
        X509Certificate first = identity(List.of("a.example"), CLOCK).certificate();
        Clock later = Clock.fixed(NOW.plus(Duration.ofDays(300)), ZoneOffset.UTC);

        assertThat(identity(List.of("A.Example"), later).certificate()).isEqualTo(first);
    }

    @Test
    void reissuesWhenTheNamesChange() throws Exception {
        X509Certificate first = identity(List.of("a.example"), CLOCK).certificate();
        X509Certificate second = identity(List.of("a.example", "b.example"), CLOCK).certificate();

        assertThat(second).isNotEqualTo(first);
        assertThat(second.getSubjectAlternativeNames()).contains(List.of(2, "b.example"));
        assertThat(identity(List.of("a.example"), CLOCK).certificate()).isNotEqualTo(second);
    }

    @Test
    void reissuesWithinThirtyDaysOfExpiry() {
        X509Certificate first = identity(List.of(), CLOCK).certificate();
        Clock nearExpiry = Clock.fixed(NOW.plus(Duration.ofDays(336)), ZoneOffset.UTC);

        assertThat(identity(List.of(), nearExpiry).certificate()).isNotEqualTo(first);
    }

    @Test
    void reissuesWhenTheCaChangesOrTheFilesAreDamaged() throws Exception {
        X509Certificate first = identity(List.of(), CLOCK).certificate();
        ca = CertificateAuthority.loadOrCreate(dir.resolve("other"), CLOCK, RANDOM);
        X509Certificate second = identity(List.of(), CLOCK).certificate();
        second.verify(ca.certificate().getPublicKey());
        assertThat(second).isNotEqualTo(first);

        Files.writeString(dir.resolve("server.crt"), "garbage");
        assertThat(identity(List.of(), CLOCK).certificate()).isNotEqualTo(second);
        Files.delete(dir.resolve("server.key"));
        assertThat(identity(List.of(), CLOCK).certificate()).isNotNull();
    }

    @Test
    void rejectsAnInvalidConfiguredName() {
        assertThatThrownBy(() -> identity(List.of("not a name"), CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageContaining("'not a name' is neither a DNS name nor an IP address");
    }

    @Test
    void neverNamesAnAgent() throws Exception {
        assertThatThrownBy(() -> identity(List.of("x.agent.aami.internal"), CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageContaining("'x.agent.aami.internal' is an agent's name");
        ServerIdentity id = ServerIdentity.loadOrCreate(dir, ca, ServerNames.wanted(List.of(),
                Optional.of("h.agent.aami.internal")), CLOCK, RANDOM);
        assertThat(id.certificate().getSubjectAlternativeNames()).as("a host named like an agent is left out")
                .noneMatch(san -> san.get(1).toString().contains("agent.aami.internal"));
        // An agent's certificate (and its key) supplied as the server's: agents would refuse it, so the server does.
        KeyPair keys = io.aami.common.pki.Keys.generateEcP256(RANDOM);
        X509Certificate agentCert = ca.signClientCertificate(TestPki.csr(keys, "SHA256withECDSA", "CN=x"),
                java.util.UUID.randomUUID(), Duration.ofDays(1));
        Path crt = Files.writeString(dir.resolve("agent.crt"), Pem.certificateToPem(agentCert));
        Path key = Files.writeString(dir.resolve("agent.key"), Pem.privateKeyToPem(keys.getPrivate()));
        assertThatThrownBy(() -> ServerIdentity.fromFiles(crt, key, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageContaining("cannot be this server's: it names an agent (URI SAN urn:aami:agent:");
    }

    @Test
    void looksUpTheLocalHostNameByItself() throws Exception {
        ServerIdentity id = ServerIdentity.loadOrCreate(dir, ca, List.of(), CLOCK, RANDOM);
        assertThat(id.certificate().getSubjectAlternativeNames()).contains(List.of(2, "localhost"));
        assertThat(ServerNames.localHostName()).isPresent();
    }

    @Test
    void keyStoreHoldsKeyAndChainUnderServerAlias() throws Exception {
        ServerIdentity id = identity(List.of(), CLOCK);
        char[] password = "changeit".toCharArray();
        KeyStore store = id.keyStore(password);

        assertThat(store.isKeyEntry("server")).isTrue();
        assertThat(store.getCertificateChain("server")).containsExactly(id.chain().toArray(X509Certificate[]::new));
        assertThat(store.getKey("server", password)).isInstanceOf(PrivateKey.class);
    }

    @Test
    void suppliedMaterialMustMatchAndComeLeafFirst() throws Exception {
        ServerIdentity generated = identity(List.of(), CLOCK);
        Path chain = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        assertThat(ServerIdentity.fromFiles(chain, key, CLOCK).chain()).isEqualTo(generated.chain());

        Path reversed = Files.writeString(dir.resolve("reversed.crt"),
                Pem.chainToPem(List.of(ca.certificate(), generated.certificate())));
        assertThatThrownBy(() -> ServerIdentity.fromFiles(reversed, key, CLOCK)).isInstanceOf(PkiException.class)
                .hasMessageContaining("does not belong to the first certificate in " + reversed);

        Clock muchLater = Clock.fixed(NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC);
        assertThatThrownBy(() -> ServerIdentity.fromFiles(chain, key, muchLater)).isInstanceOf(PkiException.class)
                .hasMessageContaining("expired");
    }
}
