package io.aami.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.UnusedTransport;
import io.aami.agent.retry.RecordingRejections;
import io.aami.agent.retry.Retry;
import io.aami.agent.util.StopSignal;
import io.aami.common.pki.Pem;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import io.aami.server.pki.CertificateAuthority;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renewal loop with a real CA and real agent TLS material; only the server's answers are scripted. */
class CertificateRenewerTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void anUnexpectedExceptionFromACollaboratorDoesNotEndTheLoopAndTheNextRenewalHappens() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), RANDOM);
        UUID id = UUID.randomUUID();
        AgentTls tls = new AgentTls(new AgentTls.Locations(dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")),
                null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), RANDOM);
        tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
        X509Certificate first = tls.install(Pem.certificateToPem(ca.signClientCertificate(tls.newCsr(id), id, Duration.ofDays(7))));
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(id, "t", "s", Instant.now(), null, null));

        AtomicInteger calls = new AtomicInteger();
        ServerTransport transport = new RenewOnly(req -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("a collaborator's bug");
            }
            return new CertificateResponse(Pem.certificateToPem(ca.signClientCertificate(req.csr(), id, Duration.ofDays(7))), null);
        });
        // 95 % into the certificate's life: due whatever the 70-90 % draw was.
        Instant due = first.getNotBefore().toInstant().plus(Duration.ofMillis(Duration.ofDays(7).toMillis() * 95 / 100));
        StopSignal stop = new StopSignal();
        CertificateRenewer renewer = new CertificateRenewer(tls, transport, holder, stop,
                new Retry(Duration.ofMillis(20), Duration.ofMillis(50), RANDOM), Clock.fixed(due, ZoneOffset.UTC), RANDOM, c -> { },
                new RecordingRejections(), false);
        AtomicReference<Throwable> died = new AtomicReference<>();
        Thread loop = new Thread(renewer, "renew-under-test");
        loop.setUncaughtExceptionHandler((t, e) -> died.set(e));
        loop.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            BigInteger firstSerial = first.getSerialNumber();
            while (System.nanoTime() < deadline && tls.certificate().orElseThrow().getSerialNumber().equals(firstSerial)) {
                Thread.sleep(20);
            }
            assertThat(died.get()).isNull();
            assertThat(loop.isAlive()).isTrue();
            assertThat(calls.get()).isGreaterThanOrEqualTo(2);
            assertThat(tls.certificate().orElseThrow().getSerialNumber()).isNotEqualTo(firstSerial);
        } finally {
            stop.stop();
            loop.join(5_000);
        }
    }

    @Test
    void anExceptionFromTheExpiryReEnrollmentIsSurvivedAndTriedAgain() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), RANDOM);
        UUID id = UUID.randomUUID();
        AgentTls tls = new AgentTls(new AgentTls.Locations(dir.resolve("ca.crt"), dir.resolve("agent.crt"), dir.resolve("agent.key")),
                null, Pem.sha256Hex(ca.certificate()), Duration.ofSeconds(5), RANDOM);
        tls.ensureCa(() -> Pem.certificateToPem(ca.certificate()));
        X509Certificate cert = tls.install(Pem.certificateToPem(ca.signClientCertificate(tls.newCsr(id), id, Duration.ofDays(7))));
        CredentialHolder holder = new CredentialHolder();
        holder.set(new AgentCredentials(id, "t", "s", Instant.now(), null, null));
        AtomicInteger attempts = new AtomicInteger();
        StopSignal stop = new StopSignal();
        CertificateRenewer renewer = new CertificateRenewer(tls, new RenewOnly(r -> null), holder, stop,
                new Retry(Duration.ofMillis(20), Duration.ofMillis(50), RANDOM),
                Clock.fixed(cert.getNotAfter().toInstant().plusSeconds(60), ZoneOffset.UTC), RANDOM, c -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("enrollment blew up");
                }, new RecordingRejections(), false);
        for (int i = 0; i < 3; i++) {
            assertThat(renewer.guardedStep()).isPositive();
        }
        assertThat(attempts.get()).isEqualTo(3);
    }

    @Test
    void aCertificateTheLocalApiCannotServeIsRenewedAtOnceOnlyWhenTheApiPresentsItAndOnlyOnce() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), Clock.systemUTC(), RANDOM);
        UUID id = UUID.randomUUID();
        // The server issues what this change makes it issue; the older one issued clientAuth only, a URI SAN only.
        assertThat(ServerUsable.asAgentServer(ca.signClientCertificate(AgentTlsFixture.csr(id), id, Duration.ofDays(7))))
                .isTrue();
        for (boolean servesApi : new boolean[] {true, false}) {
            AgentTlsFixture f = AgentTlsFixture.legacy(dir.resolve("agent-" + servesApi), dir.resolve("pki"), ca, id);
            AtomicInteger renewals = new AtomicInteger();
            CertificateRenewer renewer = f.renewer(servesApi, req -> {
                renewals.incrementAndGet();
                return new CertificateResponse(Pem.certificateToPem(ca.signClientCertificate(req.csr(), id, Duration.ofDays(7))), null);
            });
            for (int i = 0; i < 3; i++) {
                renewer.step();
            }
            assertThat(renewals.get()).as("renewals with the local API presenting the certificate: " + servesApi)
                    .isEqualTo(servesApi ? 1 : 0);
            assertThat(ServerUsable.asAgentServer(f.tls().certificate().orElseThrow())).isEqualTo(servesApi);
        }
        // An older server that issues the same again: one early renewal, then the usual schedule (no loop).
        AgentTlsFixture f = AgentTlsFixture.legacy(dir.resolve("agent-old-server"), dir.resolve("pki"), ca, id);
        AtomicInteger renewals = new AtomicInteger();
        CertificateRenewer renewer = f.renewer(true, req -> {
            renewals.incrementAndGet();
            return new CertificateResponse(Pem.certificateToPem(f.legacyFor(req.csr())), null);
        });
        for (int i = 0; i < 5; i++) {
            renewer.step();
        }
        assertThat(renewals.get()).isEqualTo(1);
    }

    /** Answers renewals only; anything else is a test bug. */
    record RenewOnly(java.util.function.Function<CertificateRequest, CertificateResponse> renew) implements UnusedTransport {
        @Override
        public CertificateResponse renewCertificate(AgentCredentials credentials, CertificateRequest request) {
            return renew.apply(request);
        }
    }
}
