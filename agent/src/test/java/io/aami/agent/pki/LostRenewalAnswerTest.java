package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.testing.MovableClock;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.common.pki.Keys;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.CertificateResponse;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal whose answer is lost (the connection drops, or the agent is killed, after the server issued): the retry,
 * also after a restart, asks again for the same key, which is what lets the server answer it (it refuses a replaced
 * certificate asking for any other key); once a certificate is installed, a later renewal asks for a new key.
 */
class LostRenewalAnswerTest {
    @TempDir
    Path dir;

    @Test
    void theRetryAfterALostAnswerAndARestartAsksAtOnceForTheSameKeyThenRotatesThatKeyOutAfterTheGraceOnce() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), CertificateRenewerTest.RANDOM);
        UUID id = UUID.randomUUID();
        AgentTls tls = tls(ca);
        X509Certificate first = tls.install(Pem.certificateToPem(ca.signClientCertificate(tls.newCsr(id), id, Duration.ofDays(7))));
        List<String> asked = new ArrayList<>();
        Set<Integer> lostAnswers = Set.of(1, 3);
        CertificateRenewerTest.RenewOnly server = new CertificateRenewerTest.RenewOnly(req -> {
            asked.add(req.csr());
            String issued = Pem.certificateToPem(ca.signClientCertificate(req.csr(), id, Duration.ofDays(7)));
            if (lostAnswers.contains(asked.size())) {
                throw TransportException.unreachable("connection reset after the server answered", null);
            }
            return new CertificateResponse(issued, null);
        });

        assertThat(renewer(id, tls, server, at(first, 95)).step()).isPositive();
        assertThat(tls.certificate()).contains(first);
        assertThat(dir.resolve("agent.key" + KeyPairFiles.RENEWING)).as("the key asked for is kept until answered").exists();

        // Restarted an hour into the certificate's life: not due by its 70-90 % draw, but a renewal is unanswered.
        AgentTls restarted = tls(ca);
        MovableClock clock = new MovableClock(at(first, 1).instant());
        CertificateRenewer renewer = renewer(id, restarted, server, clock);
        renewer.step();
        assertThat(asked).as("asked again at once, not at the next draw").hasSize(2);
        assertThat(csrKey(asked.get(1))).as("for the key the lost answer certified").isEqualTo(csrKey(asked.get(0)));
        X509Certificate renewed = restarted.certificate().orElseThrow();
        assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(renewed.getPublicKey().getEncoded()).isEqualTo(csrKey(asked.get(0)));
        assertThat(Keys.matches(Pem.readPrivateKey(dir.resolve("agent.key")), renewed.getPublicKey())).isTrue();
        assertThat(dir.resolve("agent.key" + KeyPairFiles.RENEWING)).as("answered: nothing pending").doesNotExist();

        renewer.step();
        clock.advance(CertificateRenewer.ROTATION_DELAY.minusMinutes(1));
        renewer.step();
        assertThat(asked).as("not within the grace of the certificate it replaced").hasSize(2);
        clock.advance(CertificateRenewer.ROTATION_SPREAD.plusMinutes(2));
        renewer.step();
        assertThat(asked).as("then that key, which waited on disk, is rotated out").hasSize(3);
        renewer.step();
        assertThat(asked).as("its answer lost too, and asked again for the same key").hasSize(4);
        assertThat(csrKey(asked.get(3))).isEqualTo(csrKey(asked.get(2))).isNotEqualTo(csrKey(asked.get(0)));
        assertThat(restarted.certificate().orElseThrow().getPublicKey().getEncoded()).isEqualTo(csrKey(asked.get(2)));

        for (int i = 0; i < 3; i++) {
            clock.advance(CertificateRenewer.ROTATION_DELAY.plus(CertificateRenewer.ROTATION_SPREAD));
            renewer.step();
        }
        assertThat(asked).as("a key rotated out once a run: not again, so a flaky network cannot loop it").hasSize(4);
    }

    private AgentTls tls(CertificateAuthority ca) {
        AgentTls tls = new AgentTls(new AgentTls.Locations(dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")),
                null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), CertificateRenewerTest.RANDOM);
        tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
        return tls;
    }

    /** {@code percent} % into the certificate's life (95: due whatever the 70-90 % draw was). */
    private static Clock at(X509Certificate cert, int percent) {
        Instant from = cert.getNotBefore().toInstant();
        Duration life = Duration.between(from, cert.getNotAfter().toInstant());
        return Clock.fixed(from.plus(life.multipliedBy(percent).dividedBy(100)), ZoneOffset.UTC);
    }

    private static CertificateRenewer renewer(UUID id, AgentTls tls, CertificateRenewerTest.RenewOnly transport, Clock clock) {
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(id, "t", "s", Instant.now(), null, null));
        return new CertificateRenewer(tls, transport, holder, new StopSignal(),
                new Retry(Duration.ofMillis(20), Duration.ofMillis(50), CertificateRenewerTest.RANDOM), clock,
                CertificateRenewerTest.RANDOM, c -> { }, new RecordingRejections(), false);
    }

    private static byte[] csrKey(String csrPem) throws Exception {
        return Pem.parseCsr(csrPem).getSubjectPublicKeyInfo().getEncoded();
    }
}
