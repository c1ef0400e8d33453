package io.aami.server.registration;

import io.aami.server.validation.Fields;
import io.aami.contract.registration.RegisterRequest;
import io.aami.contract.registration.RegisterResponse;
import io.aami.server.config.ServerConfig;
import io.aami.server.targets.CredentialChanges;
import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.groups.GroupService;
import io.aami.server.error.ApiException;
import io.aami.contract.ErrorCode;
import io.aami.server.pki.ClientCertificates;
import io.aami.server.pki.PolicySigner;
import io.aami.server.policyscope.PolicyChanges;
import io.aami.server.security.Cidr;
import io.aami.server.security.Secrets;
import io.aami.server.targets.Target;
import io.aami.server.targets.TargetService;
import io.aami.server.targets.TargetStore;
import io.aami.server.tokens.BootstrapToken;
import io.aami.server.tokens.BootstrapTokenStore;
import io.aami.server.tokens.TokenFormat;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Enrollment with a bootstrap token, following the seed's matching table:
 * <ul>
 *   <li>new id, or no id (server picks one): create the target, 201;</li>
 *   <li>id pre-registered, never connected: attach, 200; the operator's record stays as it is (see
 *       {@link TargetRecord}), the agent's report is stored beside it;</li>
 *   <li>id already enrolled: 200 only with that agent's current credential (rotated here), else 409;</li>
 *   <li>the same, retried after its answer was lost: 200 with the credential it replaced, within the
 *       window of {@link AnswerRetries} (no further use of the bootstrap token is counted);</li>
 *   <li>a first enrollment with an agent-chosen token, retried after its answer was lost: 200 for the
 *       same key and token hash within the same window.</li>
 * </ul>
 * All of it, including the token's use counter, happens in one transaction under a row lock on
 * the token, so concurrent enrollments can never exceed {@code max_uses} and a refusal stores nothing.
 * Enrollments take turns per token in memory first ({@link EnrollmentTurns}) and sign the CSR before
 * the transaction, so none holds a pooled connection while it waits or signs; a lock held elsewhere
 * longer than {@link #LOCK_WAIT} is a 503 with {@code Retry-After}.
 */
public final class RegistrationService {
    /** How long an enrollment waits for its token's row lock held by another replica (or an admin): then 503. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(2);
    private static final String SET_LOCK_TIMEOUT = "SET LOCAL lock_timeout = '" + LOCK_WAIT.toMillis() + "ms'";
    /** SQLSTATE lock_not_available: {@code lock_timeout} ran out. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private final Database db;
    private final BootstrapTokenStore tokens;
    private final TargetStore targets;
    private final GroupService groups;
    private final Secrets secrets;
    private final ServerConfig.Heartbeat heartbeat;
    private final ClientCertificates certificates;
    private final PolicySigner signer;
    private final AnswerRetries retries;
    private final EnrollmentTurns turns;
    private final KnownTokens known;
    private final Clock clock;

    /** @param certificates null when TLS is off (the agent token is then the credential) */
    public RegistrationService(Database db, BootstrapTokenStore tokens, TargetStore targets, GroupService groups,
                               Secrets secrets, ServerConfig.Heartbeat heartbeat, Duration retryWindow,
                               ClientCertificates certificates, PolicySigner signer, Clock clock) {
        this.retries = new AnswerRetries(retryWindow);
        // Half the pool at most: enrollment never starves heartbeats and results of connections.
        this.turns = new EnrollmentTurns(db.maxPoolSize() / 2, LOCK_WAIT);
        this.known = new KnownTokens(id -> db.withConnection(c -> tokens.find(c, id)).map(BootstrapToken::secretSha256));
        this.certificates = certificates;
        this.signer = signer;
        this.db = db;
        this.tokens = tokens;
        this.targets = targets;
        this.groups = groups;
        this.secrets = secrets;
        this.heartbeat = heartbeat;
        this.clock = clock;
    }

    /** The response, whether a new target was created (201) rather than attached (200), and the audit word. */
    public record Outcome(RegisterResponse response, boolean created, String kind) {
    }

    public Outcome register(RegisterRequest req, String presentedAgentToken, InetAddress source) {
        TokenFormat.Parts parts = TokenFormat.parse(Fields.required("token", req.token(), 200))
                .orElseThrow(() -> new ApiException(ErrorCode.TOKEN_UNKNOWN, "the bootstrap token is not valid"));
        Request r = new Request(req.agentId() != null ? req.agentId() : UUID.randomUUID(), req.groupId(),
                new TargetStore.Report(Fields.required("hostname", req.hostname(), TargetService.MAX_HOSTNAME),
                        Fields.ipAddress("ip_address", req.ipAddress()), Fields.labels("labels", req.labels()),
                        RegistrationFields.metadata(req.metadata())),
                req.csr(), RegistrationFields.chosenToken(req.agentTokenSha256()));
        try (EnrollmentTurns.Turn turn = turns.take(requireKnown(parts))) {
            // Signed inside the turn: the pre-check knows only the secret (revocation, expiry, uses and source are the
            // transaction's), so a leaked but revoked token must not buy CSR signatures faster than the turns allow.
            SignedCsr csr = certificates == null ? SignedCsr.NONE : SignedCsr.sign(certificates, r.agentId(), r.csr());
            return db.inTransaction(c -> {
                lockTimeout(c);
                BootstrapToken token = knownToken(c, parts);
                Target existing = targets.lock(c, r.agentId()).orElse(null);
                boolean retry = existing != null && (retries.accepts(c, existing.id(), presentedAgentToken, clock.instant())
                        || retries.acceptsFirst(c, existing, token.id(), r.chosenTokenSha256(), certificates != null,
                                csr.keySha256(), clock.instant()));
                requireUsable(token, source, retry);
                Outcome outcome = enroll(c, token, r, existing, presentedAgentToken, retry, csr);
                if (!retry) {
                    tokens.countUse(c, token.id());
                }
                tokens.recordUse(c, token.id(), clock.instant(), source.getHostAddress(), r.agentId(), outcome.kind());
                return outcome;
            });
        } catch (DataAccessException e) {
            if (LOCK_NOT_AVAILABLE.equals(e.sqlState())) {
                throw EnrollmentTurns.busy("bootstrap token " + parts.id() + " is locked by another enrollment");
            }
            if (!e.uniqueViolation()) {
                throw e;
            }
            // Another enrollment created this id between our lock attempt and insert.
            ApiException refused = new ApiException(ErrorCode.AGENT_ALREADY_REGISTERED, "agent " + r.agentId() + " is already registered");
            audit(parts.id(), source, r.agentId(), refused);
            throw refused;
        } catch (ApiException e) {
            // "Retry later" is no use of the token: a queue that overflows must not write a row per refusal.
            if (e.code() != ErrorCode.SERVER_BUSY) {
                audit(parts.id(), source, r.agentId(), e);
            }
            throw e;
        }
    }

    /**
     * Before the turn and the transaction: a request with an unknown token or a wrong secret never
     * queues behind a token's enrollments (nor is its CSR signed). A short read the first time a token
     * is seen, none after ({@link KnownTokens}). Returns the token's id.
     */
    private String requireKnown(TokenFormat.Parts parts) {
        if (!known.matches(parts.id(), parts.secret())) {
            throw new ApiException(ErrorCode.TOKEN_UNKNOWN, "the bootstrap token is not valid");
        }
        return parts.id();
    }

    /** Bounds the wait on the token's (and the target's) row lock: another replica's enrollment, an admin's change. */
    private static void lockTimeout(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(SET_LOCK_TIMEOUT);
        }
    }

    /** Refused attempts are audited too (outside the rolled-back transaction): a burst of them is worth seeing. */
    private void audit(String tokenId, InetAddress source, UUID agentId, ApiException refusal) {
        try {
            // The use row's foreign key share-locks the token's row: bounded like the enrollment's own wait.
            db.inTransaction(c -> {
                lockTimeout(c);
                tokens.recordUse(c, tokenId, clock.instant(), source.getHostAddress(), agentId, refusal.code().name());
                return null;
            });
        } catch (RuntimeException ignored) {
            // The refusal is what the caller must see; a failed audit write must not replace it.
        }
    }

    private BootstrapToken knownToken(Connection c, TokenFormat.Parts parts) throws SQLException {
        return tokens.lockForUse(c, parts.id())
                .filter(t -> Secrets.matches(t.secretSha256(), parts.secret()))
                .orElseThrow(() -> new ApiException(ErrorCode.TOKEN_UNKNOWN, "the bootstrap token is not valid"));
    }

    /** A retry completes an enrollment already counted: the token may have expired or run out since, not been revoked. */
    private void requireUsable(BootstrapToken token, InetAddress source, boolean retry) {
        Instant now = clock.instant();
        if (token.revoked()) {
            throw new ApiException(ErrorCode.TOKEN_REVOKED, "bootstrap token " + token.id() + " has been revoked");
        }
        if (!retry && token.expired(now)) {
            throw new ApiException(ErrorCode.TOKEN_EXPIRED, "bootstrap token " + token.id() + " expired at " + token.expiresAt());
        }
        if (!retry && token.exhausted()) {
            throw new ApiException(ErrorCode.TOKEN_EXHAUSTED,
                    "bootstrap token " + token.id() + " has been used " + token.uses() + " of " + token.maxUses() + " times");
        }
        if (!token.allowedCidrs().isEmpty() && token.allowedCidrs().stream().noneMatch(n -> Cidr.parse(n).contains(source))) {
            throw new ApiException(ErrorCode.SOURCE_NOT_ALLOWED,
                    "bootstrap token " + token.id() + " may not be used from " + source.getHostAddress());
        }
    }

    private Outcome enroll(Connection c, BootstrapToken token, Request r, Target existing, String presentedAgentToken,
                           boolean retry, SignedCsr csr) throws SQLException {
        if (existing != null) {
            requireClaimable(existing, presentedAgentToken, retry);
        } else if (targets.retired(c, r.agentId()).isPresent()) {
            throw new ApiException(ErrorCode.AGENT_ID_RETIRED, "agent id " + r.agentId()
                    + " belonged to a deleted or revoked target and is never enrolled again; give this host a new id");
        }
        UUID group = TargetRecord.group(token, r.groupId(), existing);
        groups.requireExists(c, group);
        Map<String, String> labels = TargetRecord.labels(token, r.report().labels(), existing);
        // An agent that chose its own token sent only its hash; the answer then carries no secret at all.
        String agentToken = r.chosenTokenSha256() == null ? secrets.agentToken() : null;
        Instant now = clock.instant();
        if (existing == null) {
            targets.insertRecord(c, r.agentId(), r.report().hostname(), group, labels, now);
        }
        targets.attach(c, new TargetStore.Enrollment(r.agentId(), r.report(),
                agentToken == null ? r.chosenTokenSha256() : Secrets.sha256(agentToken), token.id(),
                (int) heartbeat.interval().toSeconds(), now, now.plus(heartbeat.offlineAfter())));
        if (existing != null) {
            // The previous credential stops working on every replica the moment this commits.
            CredentialChanges.publish(c, r.agentId());
            if (existing.enrolled() && !retry) {
                retries.open(c, r.agentId(), existing.agentTokenSha256(), now);
            }
        }
        if (agentToken == null && (existing == null || !existing.enrolled())) {
            retries.openFirst(c, r.agentId(), csr.keySha256(), now);
        }
        ClientCertificates.Issued cert = csr.issue(c, certificates, r.agentId());
        PolicyChanges.target(c, r.agentId());
        // A member joined or its address may have changed (never its group): probes aimed at the group follow it.
        PolicyChanges.members(c, group);
        RegisterResponse response = new RegisterResponse(r.agentId(), agentToken, (int) heartbeat.interval().toSeconds(),
                group, labels, cert == null ? null : cert.pem(), certificates == null ? null : certificates.caPem(),
                signer.publicKeyBase64(), signer.keyId());
        String kind = existing == null ? "enrolled" : retry ? "retried" : existing.enrolled() ? "re-enrolled" : "attached";
        return new Outcome(response, existing == null, kind);
    }

    /** A live identity is handed over only to whoever proves they hold it (a retry proved it with the replaced token). */
    private static void requireClaimable(Target existing, String presentedAgentToken, boolean retry) {
        if (existing.revoked()) {
            throw new ApiException(ErrorCode.AGENT_REVOKED, "agent " + existing.id() + " has been revoked");
        }
        if (existing.enrolled() && !retry && !Secrets.matches(existing.agentTokenSha256(), presentedAgentToken)) {
            throw new ApiException(ErrorCode.AGENT_ALREADY_REGISTERED, "agent " + existing.id()
                    + " is already registered; re-registering needs its current credential (Authorization: Bearer)");
        }
    }

    private record Request(UUID agentId, UUID groupId, TargetStore.Report report, String csr, byte[] chosenTokenSha256) {
        Request {
            Objects.requireNonNull(agentId);
        }
    }
}
