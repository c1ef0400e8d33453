package io.aami.agent.enrollment;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.AgentCredentials;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.identity.HostFacts;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.agent.pki.AgentTls;
import io.aami.agent.pki.PolicyKeyPin;
import io.aami.agent.pki.RenewalSchedule;
import io.aami.agent.retry.Failure;
import io.aami.agent.retry.Retry;
import io.aami.agent.transport.ServerTransport;
import io.aami.agent.transport.TransportException;
import io.aami.agent.util.StopSignal;
import io.aami.common.pki.PkiException;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolls with the bootstrap token until it succeeds or the agent stops. A missing server is
 * retried with jittered backoff; a refused token or a taken identity is logged and retried slowly,
 * re-reading the token file each time so an operator can fix it without a restart. An answer whose
 * policy-signing key differs from the pinned one (and no verified rotation statement leads to it) is
 * refused before anything of it is stored: the agent keeps its previous credential, certificate and
 * pin, and reports the refusal ({@link #trustError()}, the heartbeat's {@code policy_error},
 * {@code aami_agent_enrollments_total{result="refused_key"}}, the log).
 */
public final class Enroller {
    private static final Logger LOG = LoggerFactory.getLogger(Enroller.class);

    private final AgentConfig cfg;
    private final UUID agentId;
    private final ServerTransport transport;
    private final CredentialStore store;
    private final StopSignal stop;
    private final Retry retry;
    private final Clock clock;
    private final String agentVersion;
    private final CredentialHolder holder;
    private final AgentMetrics metrics;
    private final AgentTls tls;
    private final PolicyKeyPin pin;
    private final PendingEnrollment pending;
    private volatile String trustError;

    /** @param tls the agent's TLS material, null when TLS is off */
    public Enroller(AgentConfig cfg, UUID agentId, ServerTransport transport, CredentialStore store, StopSignal stop,
                    Retry retry, Clock clock, String agentVersion, CredentialHolder holder, AgentMetrics metrics,
                    AgentTls tls, PolicyKeyPin pin, PendingEnrollment pending) {
        this.pending = pending;
        this.tls = tls;
        this.pin = pin;
        this.holder = holder;
        this.metrics = metrics;
        this.cfg = cfg;
        this.agentId = agentId;
        this.transport = transport;
        this.store = store;
        this.stop = stop;
        this.retry = retry;
        this.clock = clock;
        this.agentVersion = agentVersion;
    }

    /**
     * The credential to use: the stored one when it belongs to this agent id, else a new enrollment.
     * Empty only if the agent stops first.
     */
    public Optional<AgentCredentials> credentials() {
        Optional<AgentCredentials> stored = store.load().filter(c -> {
            if (!c.agentId().equals(agentId)) {
                LOG.warn("stored credential belongs to agent {} but the id file says {}; enrolling as {}", c.agentId(), agentId, agentId);
                return false;
            }
            return true;
        });
        if (stored.isPresent() && tls != null && !trustEstablished()) {
            return enroll(stored.get());
        }
        if (stored.isPresent() && tls != null && !certificateUsable()) {
            // An expired certificate opens nothing; enrolling again, proven by the agent token, gets a new one.
            LOG.warn("the client certificate is missing or expired; enrolling again with the bootstrap token");
            return enroll(stored.get());
        }
        if (stored.isPresent()) {
            LOG.info("reusing the stored credential of agent {}", agentId);
            adopt(stored.get());
            return stored;
        }
        return enroll(null);
    }

    /**
     * The server no longer accepts {@code rejected} (an expired certificate, a rotated token, a deleted
     * target): enroll again, proving the identity with the agent token where it still counts.
     */
    public void credentialRejected(AgentCredentials rejected) {
        metrics.enrolled.set(0);
        holder.set(null);
        enroll(rejected);
    }

    /** Enrolls (proving {@code previous} if this id already holds a credential); empty if stopped first. */
    public Optional<AgentCredentials> enroll(AgentCredentials previous) {
        retry.reset();
        while (!stop.stopped()) {
            Duration wait;
            Optional<String> token = bootstrapToken();
            if (token.isEmpty()) {
                LOG.warn("no bootstrap token yet (server.bootstrap_token or {}); waiting", cfg.server().bootstrapTokenFile());
                wait = retry.next();
            } else {
                try {
                    if (tls != null) {
                        tls.ensureCa(transport::fetchCaCertificate);
                    }
                    AgentCredentials creds = register(token.get(), previous);
                    metrics.enrollments.labelValues("ok").inc();
                    adopt(creds);
                    return Optional.of(creds);
                } catch (TransportException e) {
                    metrics.enrollments.labelValues("error").inc();
                    wait = describeFailure(e);
                } catch (PolicyKeyRefusedException e) {
                    metrics.enrollments.labelValues("refused_key").inc();
                    trustError = e.getMessage();
                    LOG.error("{}; keeping the previous credential and the pinned key", e.getMessage());
                    if (previous != null) {
                        adopt(previous);
                        return Optional.of(previous);
                    }
                    wait = retry.atCap();
                } catch (PkiException e) {
                    metrics.enrollments.labelValues("error").inc();
                    wait = retry.atCap();
                    LOG.error("cannot establish trust in the server: {}; retrying in {} s", e.getMessage(), wait.toSeconds());
                }
            }
            if (stop.await(wait)) {
                break;
            }
        }
        return Optional.empty();
    }

    private void adopt(AgentCredentials creds) {
        holder.set(creds);
        metrics.enrolled.set(1);
    }

    private AgentCredentials register(String token, AgentCredentials previous) {
        AgentConfig.Agent a = cfg.agent();
        String hostname = a.hostname().isBlank() ? HostFacts.hostname() : a.hostname();
        String ip = a.ipAddress().isBlank() ? HostFacts.primaryAddress(cfg.server().host(), cfg.server().port()) : a.ipAddress();
        String current = previous == null ? null : previous.agentToken();
        // Stored durably before the request leaves, so a retry after a lost answer is the identical request.
        PendingEnrollment.Material m = pending.forAttempt(agentId, current, tls != null);
        RegisterRequest req = new RegisterRequest(token, agentId, hostname, ip, a.groupId(), a.labels(),
                HostFacts.metadata(agentVersion), tls == null ? null : tls.csrFor(m.key(), agentId), m.agentTokenSha256());
        RegisterResponse resp = transport.register(req, current);
        requirePinnedKey(resp);
        // A server that predates agent-chosen tokens makes one and returns it; that one is then the credential.
        String agentToken = resp.agentToken() != null ? resp.agentToken() : m.agentToken();
        AgentCredentials creds = new AgentCredentials(resp.agentId(), agentToken, cfg.server().address(), clock.instant(),
                resp.policyPublicKey(), resp.policyKeyId());
        if (tls != null) {
            tls.install(resp.clientCertificate());
        }
        store.save(creds);
        // Only now: a crash before this leaves the material for the identical retry of an unused answer.
        pending.completed();
        trustError = null;
        LOG.info("enrolled as agent {} ({} at {}) with {}", resp.agentId(), hostname, ip, cfg.server().address());
        return creds;
    }

    /** Why the last enrollment answer was refused (another policy key); null when none was. */
    public String trustError() {
        return trustError;
    }

    /** The answer's policy key must be the pinned one, or one the pinned key rotated to (statements it signed). */
    private void requirePinnedKey(RegisterResponse resp) {
        if (pin.acceptEnrollmentKey(resp.policyPublicKey())) {
            return;
        }
        try {
            pin.follow(transport.fetchPolicyKey().rotations(), clock.instant());
        } catch (TransportException e) {
            LOG.warn("cannot fetch the server's policy key rotations ({})", e.getMessage());
        }
        if (!pin.acceptEnrollmentKey(resp.policyPublicKey())) {
            throw new PolicyKeyRefusedException("enrollment answer refused: it carries a policy-signing key ("
                    + resp.policyKeyId() + ") other than the pinned " + pin.keyId() + " and no rotation signed by the pinned key leads to it");
        }
    }

    private Duration describeFailure(TransportException e) {
        Failure failure = Failure.of(e);
        if (failure == Failure.TRANSIENT || failure == Failure.RETRY_AFTER) {
            Duration wait = retry.after(failure, e);
            LOG.warn("enrollment with {} failed ({}); retrying in {} ms", cfg.server().address(), e.getMessage(), wait.toMillis());
            return wait;
        }
        String hint = switch (e.code()) {
            case "AGENT_ALREADY_REGISTERED" -> "; this id is enrolled already and this host lacks its credential:"
                    + " restore " + cfg.credentialsFile() + " or delete the target on the server";
            case "TOKEN_EXPIRED", "TOKEN_REVOKED", "TOKEN_EXHAUSTED", "TOKEN_UNKNOWN" -> "; provide a valid bootstrap token";
            case "AGENT_ID_RETIRED" -> "; this id belonged to a deleted or revoked target: remove " + cfg.agent().idFile()
                    + " (and " + cfg.agent().stateDir() + ") to enroll as a new host";
            default -> "";
        };
        // A refused credential here is the bootstrap or agent token itself: enrolling again is what failed.
        Duration wait = retry.after(Failure.PERMANENT, e);
        LOG.error("enrollment refused ({}): {}{}; retrying in {} s", e.code(), e.getMessage(), hint, wait.toSeconds());
        return wait;
    }

    /** The CA is known (configured or stored, else fetched and checked against the pin). */
    private boolean trustEstablished() {
        try {
            tls.ensureCa(transport::fetchCaCertificate);
            return true;
        } catch (TransportException | PkiException e) {
            LOG.warn("cannot establish trust in the server yet ({}); retrying", e.getMessage());
            return false;
        }
    }

    private boolean certificateUsable() {
        return tls.certificate().map(c -> !new RenewalSchedule(c).expired(clock.instant())).orElse(false);
    }

    private Optional<String> bootstrapToken() {
        if (cfg.server().bootstrapToken() != null) {
            return Optional.of(cfg.server().bootstrapToken());
        }
        if (cfg.server().bootstrapTokenFile() == null) {
            return Optional.empty();
        }
        try {
            String t = Files.readString(cfg.server().bootstrapTokenFile(), StandardCharsets.UTF_8).trim();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
