package io.aami.agent.policy;

import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.pki.PolicyKeyPin;
import io.aami.agent.retry.CredentialRejections;
import io.aami.agent.retry.Failure;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.contract.policy.PolicyBundle;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent's policy current with long polls: each request waits at the server until the
 * policy changes (answered within a second of the change) or the wait ends. Starts from the stored
 * bundle (checked against the persisted rollback floor and its expiry) so checks run even before the
 * server answers. A bundle signed by a key other than the pinned one makes it fetch the server's
 * rotation statements, which move the pin only if they verify under it. Failures back off with jitter
 * ({@link Retry}); a refused credential is reported to {@link CredentialRejections}.
 */
public final class PolicyPoller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyPoller.class);
    /** This loop's name where credential verdicts are reported. */
    public static final String LOOP = "policy";

    private final ServerTransport transport;
    private final CredentialHolder credentials;
    private final PolicyFile file;
    private final PolicyGate gate;
    private final PolicyKeyPin pin;
    private final Clock clock;
    private final Duration wait;
    private final StopSignal stop;
    private final Retry retry;
    private final CredentialRejections rejections;

    public PolicyPoller(ServerTransport transport, CredentialHolder credentials, PolicyFile file, PolicyGate gate,
                        PolicyKeyPin pin, Clock clock, Duration wait, StopSignal stop, Retry retry,
                        CredentialRejections rejections) {
        this.transport = transport;
        this.credentials = credentials;
        this.file = file;
        this.gate = gate;
        this.pin = pin;
        this.clock = clock;
        this.wait = wait;
        this.stop = stop;
        this.retry = retry;
        this.rejections = rejections;
    }

    @Override
    public void run() {
        startFromStored();
        while (!stop.stopped()) {
            Duration pause = pollOnce();
            if (!pause.isZero() && stop.await(pause)) {
                return;
            }
        }
    }

    /** Offers the stored bundle, after restoring the rollback floor it must not fall below. */
    void startFromStored() {
        gate.restoreFloor(file.floor());
        file.load().ifPresent(stored -> {
            if (gate.offerStored(stored)) {
                LOG.info("running the stored policy version {} until the server answers", stored.version());
            }
        });
    }

    /** One long poll; returns how long to pause before the next (zero: poll again at once). */
    Duration pollOnce() {
        Optional<AgentCredentials> creds = credentials.current();
        if (creds.isEmpty()) {
            return retry.next();
        }
        try {
            Optional<PolicyBundle> fresh = transport.fetchPolicy(creds.get(), gate.versionToAskFor(), wait);
            if (fresh.isPresent()) {
                followRotation(fresh.get());
                if (!gate.offer(fresh.get())) {
                    // The server answers at once while our version differs from its own: without a pause a
                    // refused bundle (or a hostile server) would turn the long poll into a busy loop.
                    return retry.next();
                }
                file.save(fresh.get());
            }
            // Only an unchanged policy or a bundle that verified vouches for the server: a forged one answers polls too.
            rejections.accepted(LOOP);
            retry.reset();
            return Duration.ZERO;
        } catch (TransportException e) {
            if (stop.stopped()) {
                return Duration.ZERO;
            }
            Failure failure = Failure.of(e);
            Duration pause = retry.after(failure, e);
            if (failure == Failure.CREDENTIAL_REJECTED && rejections.rejected(LOOP, creds.get(), e)) {
                return Duration.ZERO;
            }
            LOG.warn("policy poll failed ({}); retrying in {} ms", e.getMessage(), pause.toMillis());
            return pause;
        }
    }

    private void followRotation(PolicyBundle bundle) {
        if (pin == null || pin.keyId() == null || bundle.keyId() == null || bundle.keyId().equals(pin.keyId())) {
            return;
        }
        try {
            if (!pin.follow(transport.fetchPolicyKey().rotations(), clock.instant())) {
                LOG.warn("bundle signed by key {} but no rotation statement from the pinned key {} verifies", bundle.keyId(), pin.keyId());
            }
        } catch (TransportException e) {
            LOG.warn("cannot fetch the server's policy key rotations ({})", e.getMessage());
        }
    }
}
