package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A renewal stopped after each step of writing the new key and certificate (what kill -9 or a power loss there
 * leaves on disk), then the agent's next start: it always has a key and certificate that belong together, the new
 * pair once that pair was whole on disk, and nothing staged is left behind.
 */
class KeyPairFilesTest {
    @TempDir
    static Path pki;
    /** One CA for every case: making one is most of this test's time. */
    private static CertificateAuthority ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeTheCa() {
        ca = CertificateAuthority.loadOrCreate(pki, Clock.systemUTC(), CertificateRenewerTest.RANDOM);
    }

    static Stream<Integer> stepsDoneBeforeTheStop() {
        return IntStream.rangeClosed(0, KeyPairFiles.STEPS).boxed();
    }

    @ParameterizedTest(name = "stopped after {0} of the steps")
    @MethodSource("stepsDoneBeforeTheStop")
    void theNextStartHasAWholePairTheNewOneOnceItWasWholeOnDisk(int steps) throws Exception {
        UUID id = UUID.randomUUID();
        AgentTls before = tls();
        X509Certificate old = before.install(Pem.certificateToPem(ca.signClientCertificate(before.newCsr(id), id, Duration.ofDays(7))));
        KeyPairFiles files = new KeyPairFiles(dir.resolve("agent.key"), dir.resolve("agent.crt"));
        AgentKey newKey = files.renewalKey(CertificateRenewerTest.RANDOM);
        X509Certificate renewed = ca.signClientCertificate(newKey.csrPem(id), id, Duration.ofDays(7));

        files.replaceUpTo(newKey, renewed, steps);
        AgentTls after = tls();

        X509Certificate expected = steps >= 2 ? renewed : old;
        assertThat(after.certificate()).as("the certificate presented after the restart").contains(expected);
        assertThat(Keys.matches(Pem.readPrivateKey(dir.resolve("agent.key")), Pem.readCertificate(dir.resolve("agent.crt")).getPublicKey()))
                .as("agent.key and agent.crt on disk belong together").isTrue();
        assertThat(Pem.readCertificate(dir.resolve("agent.crt"))).isEqualTo(expected);
        try (Stream<Path> left = Files.list(dir)) {
            List<String> expectedFiles = new ArrayList<>(List.of("ca.crt", "agent.key", "agent.crt"));
            if (steps < 2) {
                expectedFiles.add("agent.key" + KeyPairFiles.RENEWING); // its certificate never landed: still to ask for
            }
            assertThat(left.map(p -> p.getFileName().toString())).as("nothing staged or temporary left")
                    .containsExactlyInAnyOrderElementsOf(expectedFiles);
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("agent.key")))
                .containsExactlyInAnyOrderElementsOf(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aStagedPairThatDoesNotBelongTogetherIsRemovedAndTheLivePairKept() throws Exception {
        UUID id = UUID.randomUUID();
        AgentTls before = tls();
        X509Certificate live = before.install(Pem.certificateToPem(ca.signClientCertificate(before.newCsr(id), id, Duration.ofDays(7))));
        // A certificate staged beside the live key that is not the live key's (and a key staged for some other one).
        X509Certificate stranger = ca.signClientCertificate(AgentKey.generate(CertificateRenewerTest.RANDOM).csrPem(id), id, Duration.ofDays(7));
        Files.writeString(dir.resolve("agent.crt.next"), Pem.certificateToPem(stranger));

        assertThat(tls().certificate()).contains(live);
        assertThat(dir.resolve("agent.crt.next")).doesNotExist();

        AgentKey.generate(CertificateRenewerTest.RANDOM).save(dir.resolve("agent.key.next"));
        Files.writeString(dir.resolve("agent.crt.next"), "-----BEGIN CERTIFICATE-----\ncut short");
        assertThat(tls().certificate()).contains(live);
        assertThat(dir.resolve("agent.key.next")).doesNotExist();
        assertThat(dir.resolve("agent.crt.next")).doesNotExist();

        // What a write killed half-way leaves: temporary files, one holding a private key. Someone else's stays.
        AgentKey.generate(CertificateRenewerTest.RANDOM).save(dir.resolve(".agent.key.next4711.tmp"));
        Files.writeString(dir.resolve(".agent.crt.next815.tmp"), "-----BEGIN CERTIFICATE-----\ncut short");
        Files.writeString(dir.resolve(".other.tmp"), "not ours");
        assertThat(tls().certificate()).contains(live);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.crt", "agent.key", "agent.crt", ".other.tmp");
        }
    }

    @Test
    void aCertificateRenamedBeforeItsKeyIsPairedWithTheStagedKeyAtTheNextStart() throws Exception {
        UUID id = UUID.randomUUID();
        AgentTls before = tls();
        before.install(Pem.certificateToPem(ca.signClientCertificate(before.newCsr(id), id, Duration.ofDays(7))));
        AgentKey newKey = AgentKey.generate(CertificateRenewerTest.RANDOM);
        X509Certificate renewed = ca.signClientCertificate(newKey.csrPem(id), id, Duration.ofDays(7));
        // The two renames reached the disk in the other order: the certificate is live, its key still staged.
        newKey.save(dir.resolve("agent.key.next"));
        Files.writeString(dir.resolve("agent.crt"), Pem.certificateToPem(renewed));

        assertThat(tls().certificate()).contains(renewed);
        assertThat(Keys.matches(Pem.readPrivateKey(dir.resolve("agent.key")), renewed.getPublicKey())).isTrue();
        assertThat(dir.resolve("agent.key.next")).doesNotExist();

        // A certificate without its key file at all is left as it is (and loads nothing), without an error at start.
        Files.delete(dir.resolve("agent.key"));
        assertThat(new KeyPairFiles(dir.resolve("agent.key"), dir.resolve("agent.crt")).recover()).isEmpty();
        assertThat(tls().certificate()).isEmpty();
    }

    @Test
    void theKeptRenewalKeyIsAskedForAgainUntilItsCertificateIsInstalledAndAnUnreadableOneIsReplaced() throws Exception {
        UUID id = UUID.randomUUID();
        AgentTls before = tls();
        before.install(Pem.certificateToPem(ca.signClientCertificate(before.newCsr(id), id, Duration.ofDays(7))));
        KeyPairFiles files = new KeyPairFiles(dir.resolve("agent.key"), dir.resolve("agent.crt"));
        AgentKey asked = files.renewalKey(CertificateRenewerTest.RANDOM);
        assertThat(files.renewalPending()).isTrue();
        assertThat(files.renewalKey(CertificateRenewerTest.RANDOM).publicKey()).isEqualTo(asked.publicKey());
        assertThat(Files.getPosixFilePermissions(dir.resolve("agent.key" + KeyPairFiles.RENEWING)))
                .containsExactlyInAnyOrderElementsOf(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        // Installed, but the step that forgets it did not run: it is not asked for again.
        files.replaceUpTo(asked, ca.signClientCertificate(asked.csrPem(id), id, Duration.ofDays(7)), KeyPairFiles.STEPS - 1);
        assertThat(files.renewalKey(CertificateRenewerTest.RANDOM).publicKey()).isNotEqualTo(asked.publicKey());

        Files.writeString(dir.resolve("agent.key" + KeyPairFiles.RENEWING), "-----BEGIN PRIVATE KEY-----\ncut short");
        assertThat(files.renewalKey(CertificateRenewerTest.RANDOM).publicKey()).isNotNull();
        assertThat(Pem.readPrivateKey(dir.resolve("agent.key" + KeyPairFiles.RENEWING))).isNotNull();
    }

    @Test
    void noRenewalKeyIsKeptInADirectoryOthersCanWrite() throws Exception {
        KeyPairFiles files = new KeyPairFiles(dir.resolve("agent.key"), dir.resolve("agent.crt"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        // What another user could plant there: a key of theirs, for the agent to have certified.
        AgentKey planted = AgentKey.generate(CertificateRenewerTest.RANDOM);
        planted.save(dir.resolve("agent.key" + KeyPairFiles.RENEWING));
        assertThat(files.renewalKey(CertificateRenewerTest.RANDOM).publicKey()).isNotEqualTo(planted.publicKey());

        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(files.renewalKey(CertificateRenewerTest.RANDOM).publicKey()).as("closed again: kept keys are used")
                .isEqualTo(planted.publicKey());
    }

    private AgentTls tls() {
        AgentTls tls = new AgentTls(new AgentTls.Locations(dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")),
                null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), CertificateRenewerTest.RANDOM);
        tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
        return tls;
    }
}
