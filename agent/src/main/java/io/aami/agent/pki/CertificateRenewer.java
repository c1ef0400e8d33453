package io.aami.agent.pki;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.retry.Failure;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.contract.registration.CertificateRequest;
import io.aami.contract.registration.CertificateResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the client certificate before it expires: at a random point between 70 % and 90 % of its
 * lifetime (a fleet enrolled at once does not renew at once), with a new key and a fresh CSR over the
 * current mTLS connection. Failures retry with jittered backoff ({@link Retry}); a refused credential is
 * reported to {@link CredentialRejections}. If the certificate expires anyway (known locally, so no rule
 * applies), {@code onExpired} enrolls again with the bootstrap token.
 */
public final class CertificateRenewer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewer.class);
    private static final Duration RECHECK = Duration.ofSeconds(5);
    /** This loop's name where credential verdicts are reported. */
    public static final String LOOP = "renew";

    private final AgentTls tls;
    private final ServerTransport transport;
    private final CredentialHolder credentials;
    private final StopSignal stop;
    private final Retry retry;
    private final Clock clock;
    private final RandomGenerator random;
    private final Consumer<AgentCredentials> onExpired;
    private final CredentialRejections rejections;
    /** The renewal time drawn once per certificate (by serial), so the draw stays uniform in 70-90 %. */
    private java.math.BigInteger plannedSerial;
    private Instant plannedAt;
    /** Local time of our last successful renewal, to tell a skewed clock from a due certificate. */
    private Instant renewedAt = Instant.MIN;

    public CertificateRenewer(AgentTls tls, ServerTransport transport, CredentialHolder credentials, StopSignal stop,
                              Retry retry, Clock clock, RandomGenerator random, Consumer<AgentCredentials> onExpired,
                              CredentialRejections rejections) {
        this.tls = tls;
        this.transport = transport;
        this.credentials = credentials;
        this.stop = stop;
        this.retry = retry;
        this.clock = clock;
        this.random = random;
        this.onExpired = onExpired;
        this.rejections = rejections;
    }

    @Override
    public void run() {
        while (!stop.stopped()) {
            if (stop.await(guardedStep())) {
                return;
            }
        }
    }

    /**
     * {@link #step()}, surviving anything it throws: this loop is also what re-enrolls an agent whose
     * certificate expired, so one unexpected error (a full disk while storing the key, a bug in a
     * collaborator) must cost a backoff, not the agent's ability to authenticate for good.
     */
    Duration guardedStep() {
        try {
            return step();
        } catch (RuntimeException e) {
            Duration wait = retry.next();
            LOG.error("certificate renewal failed unexpectedly ({}); retrying in {} ms", e, wait.toMillis(), e);
            return wait;
        }
    }

    /** Renews if due; returns how long to wait before looking again. */
    Duration step() {
        Optional<X509Certificate> cert = tls.certificate();
        Optional<AgentCredentials> creds = credentials.current();
        if (cert.isEmpty() || creds.isEmpty()) {
            return Duration.ofSeconds(5);
        }
        RenewalSchedule schedule = new RenewalSchedule(cert.get());
        Instant now = clock.instant();
        if (schedule.expired(now)) {
            LOG.warn("the client certificate expired at {}; enrolling again", schedule.notAfter());
            onExpired.accept(creds.get());
            return Duration.ofSeconds(5);
        }
        if (!cert.get().getSerialNumber().equals(plannedSerial)) {
            plannedSerial = cert.get().getSerialNumber();
            plannedAt = schedule.renewAt(random);
            if (!plannedAt.isAfter(now) && Duration.between(renewedAt, now).compareTo(Duration.ofMinutes(1)) < 0) {
                // A certificate we received a moment ago cannot be due: our clock runs ahead of the server's.
                // Keep the same 70-90 % draw, but count it from now, or we would renew in a tight loop.
                plannedAt = now.plus(Duration.between(cert.get().getNotBefore().toInstant(), plannedAt));
                LOG.warn("this host's clock runs ahead of the server's; renewal planned by local time at {}", plannedAt);
            }
            LOG.info("client certificate valid until {}; renewing at {}", schedule.notAfter(), plannedAt);
        }
        Instant due = plannedAt;
        if (due.isAfter(now)) {
            // Look again soon rather than sleep until the due time: a suspended host's clock jumps.
            Duration left = Duration.between(now, due);
            return left.compareTo(RECHECK) < 0 ? left : RECHECK;
        }
        try {
            CertificateResponse r = transport.renewCertificate(creds.get(), new CertificateRequest(tls.newCsr(creds.get().agentId())));
            X509Certificate renewed = tls.install(r.clientCertificate());
            renewedAt = now;
            LOG.info("renewed the client certificate; it is valid until {}", renewed.getNotAfter().toInstant());
            rejections.accepted(LOOP);
            retry.reset();
            return Duration.ofSeconds(1);
        } catch (TransportException e) {
            Failure failure = Failure.of(e);
            Duration wait = retry.after(failure, e);
            if (failure == Failure.CREDENTIAL_REJECTED && rejections.rejected(LOOP, creds.get(), e)) {
                return Duration.ofSeconds(1);
            }
            LOG.warn("certificate renewal failed ({}); retrying in {} ms", e.getMessage(), wait.toMillis());
            return wait;
        }
    }
}
