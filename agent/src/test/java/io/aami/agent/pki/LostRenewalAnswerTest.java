package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
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
    void theRetryAfterALostAnswerAndARestartAsksAtOnceForTheSameKeyThenRotatesThatKeyOut() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), CertificateRenewerTest.RANDOM);
        UUID id = UUID.randomUUID();
        AgentTls tls = tls(ca);
        X509Certificate first = tls.install(Pem.certificateToPem(ca.signClientCertificate(tls.newCsr(id), id, Duration.ofDays(7))));
        List<String> asked = new ArrayList<>();
        CertificateRenewerTest.RenewOnly loseTheFirstAnswer = new CertificateRenewerTest.RenewOnly(req -> {
            asked.add(req.csr());
            String issued = Pem.certificateToPem(ca.signClientCertificate(req.csr(), id, Duration.ofDays(7)));
            if (asked.size() == 1) {
                throw TransportException.unreachable("connection reset after the server answered", null);
            }
            return new CertificateResponse(issued, null);
        });

        assertThat(renewer(id, tls, loseTheFirstAnswer, at(first, 95)).step()).isPositive();
        assertThat(tls.certificate()).contains(first);
        assertThat(dir.resolve("agent.key" + KeyPairFiles.RENEWING)).as("the key asked for is kept until answered").exists();

        // Restarted an hour into the certificate's life: not due by its 70-90 % draw, but a renewal is unanswered.
        AgentTls restarted = tls(ca);
        CertificateRenewer renewer = renewer(id, restarted, loseTheFirstAnswer, at(first, 1));
        renewer.step();
        assertThat(asked).as("asked again at once, not at the next draw").hasSize(2);
        assertThat(csrKey(asked.get(1))).as("for the key the lost answer certified").isEqualTo(csrKey(asked.get(0)));
        X509Certificate renewed = restarted.certificate().orElseThrow();
        assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(renewed.getPublicKey().getEncoded()).isEqualTo(csrKey(asked.get(0)));
        assertThat(Keys.matches(Pem.readPrivateKey(dir.resolve("agent.key")), renewed.getPublicKey())).isTrue();

        renewer.step();
        assertThat(asked).as("that key waited on disk, so it is rotated out at once").hasSize(3);
        assertThat(csrKey(asked.get(2))).isNotEqualTo(csrKey(asked.get(0)));
        X509Certificate rotated = restarted.certificate().orElseThrow();
        assertThat(rotated.getPublicKey().getEncoded()).isEqualTo(csrKey(asked.get(2)));
        assertThat(dir.resolve("agent.key" + KeyPairFiles.RENEWING)).as("answered: nothing pending").doesNotExist();

        renewer.step();
        assertThat(asked).as("and then not again until due").hasSize(3);
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
