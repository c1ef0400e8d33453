package io.aami.agent.pki;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.retry.Failure;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.contract.registration.AgentTlsNames;
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
 * applies), {@code onExpired} enrolls again with the bootstrap token. When the local API presents this certificate
 * ({@code api.tls} without a pair of its own), one that TLS clients would refuse as a server's (issued before agents'
 * certificates carried serverAuth and the {@code agent.aami.internal} names) is renewed at once, so an upgraded
 * fleet fixes itself; once only per run, so an older server that issues such certificates again costs no loop.
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
    private final boolean servesLocalApi;
    /** Whether this run already renewed early for the local API (see the class comment). */
    private boolean upgradeTried;
    /** The renewal time drawn once per certificate (by serial), so the draw stays uniform in 70-90 %. */
    private java.math.BigInteger plannedSerial;
    private Instant plannedAt;
    /** Local time of our last successful renewal, to tell a skewed clock from a due certificate. */
    private Instant renewedAt = Instant.MIN;
    /** Renew again soon: the key just certified had waited on disk (see {@link #afterKeptKey}). */
    private boolean rotateSoon;
    /** The longest grace a server gives a replaced certificate ({@code tls.previous_certificate_grace} is at most 1h). */
    static final Duration ROTATION_DELAY = Duration.ofHours(1);
    static final Duration ROTATION_SPREAD = Duration.ofMinutes(15);
    /** Whether this run already planned that: at most once, so a flaky network cannot loop it. */
    private boolean rotatedAKeptKey;

    public CertificateRenewer(AgentTls tls, ServerTransport transport, CredentialHolder credentials, StopSignal stop,
                              Retry retry, Clock clock, RandomGenerator random, Consumer<AgentCredentials> onExpired,
                              CredentialRejections rejections, boolean servesLocalApi) {
        this.tls = tls;
        this.transport = transport;
        this.credentials = credentials;
        this.stop = stop;
        this.retry = retry;
        this.clock = clock;
        this.random = random;
        this.onExpired = onExpired;
        this.rejections = rejections;
        this.servesLocalApi = servesLocalApi;
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

    /** {@code planned}, or now when the local API presents {@code cert} and TLS clients would refuse it (once a run). */
    private Instant forLocalApi(X509Certificate cert, Instant now, Instant planned) {
        if (!servesLocalApi || ServerUsable.asAgentServer(cert)) {
            return planned;
        }
        if (upgradeTried) {
            LOG.warn("the server issued a certificate without serverAuth and the {} names (an older server?): TLS clients"
                    + " of the local API (api.tls) will refuse it; renewing on the usual schedule", AgentTlsNames.DOMAIN);
            return planned;
        }
        upgradeTried = true;
        LOG.info("the client certificate, which the local API presents (api.tls), lacks serverAuth or the {} names"
                + " (issued before agents' certificates had them); renewing it now", AgentTlsNames.DOMAIN);
        return now;
    }

    /**
     * Now, when a renewal was left unanswered (its answer lost, or the agent stopped while waiting for it): the server
     * answers its retry only within the grace of the certificate it replaced, minutes, not at the next 70-90 % draw.
     * Soon after installing a certificate whose key had waited on disk for it ({@link #rotateSoon}).
     */
    private Instant forUnanswered(Instant now, Instant planned) {
        if (rotateSoon) {
            rotateSoon = false;
            // After the grace of the certificate just replaced: sooner would cut it short, and a connection still open
            // with that certificate would meet it refused. Spread, so a fleet back from an outage does not renew at once.
            Instant rotation = now.plus(ROTATION_DELAY).plusSeconds(random.nextLong(ROTATION_SPREAD.toSeconds() + 1));
            if (!rotation.isBefore(planned)) {
                return planned;
            }
            LOG.info("the key just certified waited on disk while unanswered; renewing with a fresh one at {}", rotation);
            return rotation;
        }
        if (tls.renewalPending()) {
            LOG.info("a renewal was left unanswered (its answer lost, or the agent stopped); asking again now");
            return now;
        }
        return planned;
    }

    /**
     * A key kept on disk across failed attempts or a restart ({@code agent.key.renewing}) may be in a backup or an image
     * taken meanwhile, so it is rotated out once certified, as a copied {@code agent.key} is by the next renewal.
     */
    private void afterKeptKey(boolean keptKey) {
        if (keptKey && !rotatedAKeptKey) {
            rotatedAKeptKey = true;
            rotateSoon = true;
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
            plannedAt = forLocalApi(cert.get(), now, plannedAt);
            plannedAt = forUnanswered(now, plannedAt);
            LOG.info("client certificate valid until {}; renewing at {}", schedule.notAfter(), plannedAt);
        }
        Instant due = plannedAt;
        if (due.isAfter(now)) {
            // Look again soon rather than sleep until the due time: a suspended host's clock jumps.
            Duration left = Duration.between(now, due);
            return left.compareTo(RECHECK) < 0 ? left : RECHECK;
        }
        try {
            boolean keptKey = tls.renewalPending();
            CertificateResponse r = transport.renewCertificate(creds.get(), new CertificateRequest(tls.renewalCsr(creds.get().agentId())));
            X509Certificate renewed = tls.install(r.clientCertificate());
            renewedAt = now;
            LOG.info("renewed the client certificate; it is valid until {}", renewed.getNotAfter().toInstant());
            afterKeptKey(keptKey);
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
