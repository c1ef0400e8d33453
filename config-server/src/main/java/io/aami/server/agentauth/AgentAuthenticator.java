package io.aami.server.agentauth;

import io.aami.common.pki.PkiException;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.http.AgentAuthentication;
import io.aami.server.http.Bearer;
import io.aami.server.http.RequestOrigin;
import io.aami.contract.ErrorCode;
import io.aami.server.pki.ClientIdentities;
import io.aami.server.pki.PresentedCertificate;
import io.aami.server.security.Secrets;
import io.aami.server.targets.CredentialChanges;
import io.aami.server.targets.Target;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the caller of an agent endpoint to its agent id and insists it is the {@code {id}} in the
 * path (agent A's credential on agent B's path is 403). With TLS the client certificate must be the
 * agent's current one, or the one its last renewal replaced while that is within its grace;
 * anything older (a copy of a retired {@code agent.crt}) is 401 {@code CERTIFICATE_SUPERSEDED}.
 * A request with the replaced certificate is answered with {@code Connection: close}, so the agent's
 * next request opens a connection presenting its new one.
 *
 * <p>Credential lookups are cached so a heartbeat costs no database read; the cache is fed by
 * PostgreSQL: every rotation, renewal, deletion or revocation publishes {@link CredentialChanges#TOPIC} through the
 * {@code ChangeFeed}, and every replica drops the agent's entries at once. A certificate the cached
 * entry does not know is looked up afresh before it is refused (a renewal may just have committed
 * elsewhere). Unknown credentials are not cached. What a certificate names (agent id, serial) is read once
 * per certificate ({@link ClientIdentities}); whether it may still be used is decided on every request.
 */
public final class AgentAuthenticator implements AgentAuthentication {
    static final String ATTRIBUTE = "aami.agent_id";
    private static final int MAX_CACHED = 200_000;
    private static final Duration RECHECK_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AgentAuthenticator.class);

    private final Database db;
    private final AgentCredentialStore credentials = new AgentCredentialStore();
    private final Clock clock;
    private final Duration cacheFor;
    private final boolean certificates;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ClientIdentities identities = new ClientIdentities(MAX_CACHED);

    /**
     * @param certificates true with TLS: the client certificate is the identity and bearer tokens
     *                     are not accepted; false without TLS: the agent token is the identity
     */
    public AgentAuthenticator(Database db, Clock clock, Duration cacheFor, boolean certificates) {
        this.db = db;
        this.clock = clock;
        this.cacheFor = cacheFor;
        this.certificates = certificates;
    }

    /** Authenticates the request and checks it against the path; throws 401/403 otherwise. */
    @Override
    public UUID require(Context ctx) {
        Found found = certificates ? byCertificate(ctx) : byToken(ctx);
        AgentCredentialStore.AgentCredential who = found.credential();
        requireNotRevoked(who);
        String pathId = ctx.pathParamMap().get("id");
        if (pathId != null && !pathId.equalsIgnoreCase(who.agentId().toString())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "this credential belongs to agent " + who.agentId() + ", not " + pathId);
        }
        if (who.retryOpen() && found.current()) {
            closeRetry(found.key(), who.agentId());
        }
        ctx.attribute(ATTRIBUTE, who.agentId());
        return who.agentId();
    }

    /** Change-feed subscriber: forgets the named agent's credential, or everything after a resync. */
    public void onChange(String topic, String payload) {
        if (ChangeFeed.RESYNC.equals(topic)) {
            cache.clear();
        } else if (CredentialChanges.TOPIC.equals(topic)) {
            cache.values().removeIf(c -> c.credential().agentId().toString().equals(payload));
        }
    }

    private static void requireNotRevoked(AgentCredentialStore.AgentCredential who) {
        if (Target.REVOKED.equals(who.status())) {
            throw new ApiException(ErrorCode.AGENT_REVOKED, "agent " + who.agentId() + " has been revoked");
        }
    }

    private Found byCertificate(Context ctx) {
        X509Certificate cert = PresentedCertificate.of(ctx).orElseThrow(
                () -> new ApiException(ErrorCode.UNAUTHORIZED, "a client certificate issued to this agent is required"));
        ClientIdentities.Identity identity;
        try {
            identity = identities.of(cert);
        } catch (PkiException e) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "the client certificate does not name an agent");
        }
        UUID id = identity.agentId();
        String key = "id:" + id;
        String serial = identity.serial();
        Supplier<Optional<AgentCredentialStore.AgentCredential>> load = () -> db.withConnection(c -> credentials.byId(c, id));
        AgentCredentialStore.AgentCredential who = known(lookup(key, load, false), id);
        if (who.standing(serial, clock.instant()) == AgentCredentialStore.Standing.SUPERSEDED) {
            who = known(lookup(key, load, true), id);
        }
        requireNotRevoked(who);
        return new Found(key, who, requireLive(ctx, who, serial));
    }

    /** True for the current certificate, false for the replaced one within its grace; anything else is refused. */
    private boolean requireLive(Context ctx, AgentCredentialStore.AgentCredential who, String serial) {
        switch (who.standing(serial, clock.instant())) {
            case CURRENT -> {
                return true;
            }
            case PREVIOUS -> {
                // Served, but this connection carries a replaced identity: the next request must handshake anew.
                ctx.header("Connection", "close");
                return false;
            }
            default -> {
                ctx.header("Connection", "close");
                LOG.warn("refused a replaced client certificate of agent {} (serial {}) from {}", who.agentId(), serial,
                        RequestOrigin.address(ctx));
                throw new ApiException(ErrorCode.CERTIFICATE_SUPERSEDED, "this client certificate of agent " + who.agentId()
                        + " has been replaced by a renewal or a new enrollment; use the current one");
            }
        }
    }

    private static AgentCredentialStore.AgentCredential known(Optional<AgentCredentialStore.AgentCredential> found, UUID id) {
        return found.orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "agent " + id + " is not known here"));
    }

    /** Forgets the cached entry too, so the next request sees the closed retry without another write. */
    private void closeRetry(String key, UUID id) {
        db.withConnection(c -> {
            credentials.closeRetry(c, id);
            return null;
        });
        cache.remove(key);
    }

    private Found byToken(Context ctx) {
        String token = Bearer.from(ctx).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami-agent\"");
            return new ApiException(ErrorCode.UNAUTHORIZED, "agent credential required: send Authorization: Bearer <agent token>");
        });
        byte[] hash = Secrets.sha256(token);
        String key = "token:" + HexFormat.of().formatHex(hash);
        // Only the current token's hash is stored for authentication: a rotated token matches nothing.
        return new Found(key, lookup(key, () -> db.withConnection(c -> credentials.byTokenHash(c, hash)), false)
                .orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "the agent credential is not valid")), true);
    }

    /**
     * The cached credential, else a fresh one. {@code recheck}: the presented certificate is not in the
     * cached entry; a renewal may have committed elsewhere just now (before its notice arrived), so look
     * again, but at most once a second per agent, or a copied old certificate could make every one of
     * its requests a database read.
     */
    private Optional<AgentCredentialStore.AgentCredential> lookup(String key, Supplier<Optional<AgentCredentialStore.AgentCredential>> load,
                                                                  boolean recheck) {
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        boolean fresh = hit != null && now.isBefore(hit.until());
        if (fresh && (!recheck || (hit.recheckedAt() != null && now.isBefore(hit.recheckedAt().plus(RECHECK_EVERY))))) {
            return Optional.of(hit.credential());
        }
        Optional<AgentCredentialStore.AgentCredential> found = load.get();
        if (found.isPresent()) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, new Cached(found.get(), now.plus(cacheFor), recheck ? now : null));
        } else {
            cache.remove(key);
        }
        return found;
    }

    /** A credential, its cache key, and whether it is the agent's current one (not a replaced certificate). */
    private record Found(String key, AgentCredentialStore.AgentCredential credential, boolean current) {
    }

    private record Cached(AgentCredentialStore.AgentCredential credential, Instant until, Instant recheckedAt) {
    }
}
