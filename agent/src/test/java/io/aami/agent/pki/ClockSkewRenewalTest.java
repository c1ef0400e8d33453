package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.util.StopSignal;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.CertificateResponse;
import io.aami.server.pki.CertificateAuthority;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 7, certificates (README "Reliability"): renewal under an agent clock 10 minutes ahead of or behind
 * the CA's, through the real CA and the agent's real TLS material. A week's certificate is renewed by the agent's
 * clock (at most 10 minutes early or late; nothing happens at once), and a clock so far ahead that every fresh
 * certificate already looks due renews once and then plans by its own time instead of renewing in a loop.
 */
@Tag("reliability")
class ClockSkewRenewalTest {
    @TempDir
    Path dir;

    @Test
    void tenMinutesEitherWayChangeNothingAboutAWeeksCertificate() throws Exception {
        for (Duration skew : new Duration[] {Duration.ofMinutes(10), Duration.ofMinutes(-10)}) {
            Fixture fx = new Fixture(dir.resolve("d" + skew.toMinutes()), Duration.ofDays(7), skew);
            assertThat(fx.renewer.guardedStep()).as("skew " + skew + ": nothing due yet").isPositive();
            assertThat(fx.renewals.get()).as("skew " + skew).isZero();
        }
    }

    @Test
    void aClockSoFarAheadThatFreshCertificatesLookDueRenewsOnceNotInALoop() throws Exception {
        // An hour's certificates, the agent 58 minutes ahead: each new one is past 90 % of its life by the agent's clock.
        Fixture fx = new Fixture(dir, Duration.ofHours(1), Duration.ofMinutes(58));
        fx.renewer.guardedStep();
        assertThat(fx.renewals.get()).as("due by the agent's clock: renewed").isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThat(fx.renewer.guardedStep()).isPositive();
        }
        assertThat(fx.renewals.get()).as("the fresh certificate is not renewed again at once").isEqualTo(1);
    }

    private static final class Fixture {
        final AtomicInteger renewals = new AtomicInteger();
        final CertificateRenewer renewer;

        Fixture(Path dir, Duration validity, Duration skew) throws Exception {
            CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), CertificateRenewerTest.RANDOM);
            UUID id = UUID.randomUUID();
            AgentTls tls = new AgentTls(new AgentTls.Locations(dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")),
                    null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), CertificateRenewerTest.RANDOM);
            tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
            tls.install(Pem.certificateToPem(ca.signClientCertificate(tls.newCsr(id), id, validity)));
            CredentialHolder holder = new CredentialHolder();
            holder.set(new AgentCredentials(id, "t", "s", Instant.now(), null, null));
            renewer = new CertificateRenewer(tls, new CertificateRenewerTest.RenewOnly(req -> {
                renewals.incrementAndGet();
                return new CertificateResponse(Pem.certificateToPem(ca.signClientCertificate(req.csr(), id, validity)), null);
            }), holder, new StopSignal(), new Retry(Duration.ofMillis(20), Duration.ofMillis(50), CertificateRenewerTest.RANDOM),
                    Clock.offset(Clock.systemUTC(), skew), CertificateRenewerTest.RANDOM, c -> { }, new RecordingRejections(), false);
        }
    }
}
