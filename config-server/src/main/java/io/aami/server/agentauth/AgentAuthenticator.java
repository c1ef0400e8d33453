package io.aami.server.agentauth;

import io.aami.common.pki.PkiException;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.http.ApiException;
import io.aami.server.http.Bearer;
import io.aami.server.http.ErrorCode;
import io.aami.server.pki.AgentCertificates;
import io.aami.server.security.Secrets;
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

/**
 * Maps the caller of an agent endpoint to its agent id and insists it is the {@code {id}} in the
 * path (agent A's credential on agent B's path is 403). Credential lookups are cached so a
 * heartbeat costs no database read; the cache is fed by PostgreSQL: every rotation, deletion or
 * revocation publishes {@link #TOPIC} through the {@code ChangeFeed}, and every replica drops the
 * agent's entries at once. Unknown credentials are not cached.
 */
public final class AgentAuthenticator {
    /** Change-feed topic whose payload is an agent id whose credential changed. */
    public static final String TOPIC = "credentials";
    static final String ATTRIBUTE = "aami.agent_id";
    private static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";
    private static final int MAX_CACHED = 200_000;

    private final Database db;
    private final AgentCredentialStore credentials = new AgentCredentialStore();
    private final Clock clock;
    private final Duration cacheFor;
    private final boolean certificates;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

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
    public UUID require(Context ctx) {
        AgentCredentialStore.AgentCredential who = certificates ? byCertificate(ctx) : byToken(ctx);
        if (Target.REVOKED.equals(who.status())) {
            throw new ApiException(ErrorCode.AGENT_REVOKED, "agent " + who.agentId() + " has been revoked");
        }
        String pathId = ctx.pathParamMap().get("id");
        if (pathId != null && !pathId.equalsIgnoreCase(who.agentId().toString())) {
            throw new ApiException(ErrorCode.FORBIDDEN, "this credential belongs to agent " + who.agentId() + ", not " + pathId);
        }
        ctx.attribute(ATTRIBUTE, who.agentId());
        return who.agentId();
    }

    /** Change-feed subscriber: forgets the named agent's credential, or everything after a resync. */
    public void onChange(String topic, String payload) {
        if (ChangeFeed.RESYNC.equals(topic)) {
            cache.clear();
        } else if (TOPIC.equals(topic)) {
            cache.values().removeIf(c -> c.credential().agentId().toString().equals(payload));
        }
    }

    private AgentCredentialStore.AgentCredential byCertificate(Context ctx) {
        X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute(CLIENT_CERTIFICATES);
        if (chain == null || chain.length == 0) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "a client certificate issued to this agent is required");
        }
        UUID id;
        try {
            id = AgentCertificates.agentIdOf(chain[0]);
        } catch (PkiException e) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "the client certificate does not name an agent");
        }
        return lookup("id:" + id, () -> db.withConnection(c -> credentials.byId(c, id)))
                .orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "agent " + id + " is not known here"));
    }

    private AgentCredentialStore.AgentCredential byToken(Context ctx) {
        String token = Bearer.from(ctx).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"aami-agent\"");
            return new ApiException(ErrorCode.UNAUTHORIZED, "agent credential required: send Authorization: Bearer <agent token>");
        });
        byte[] hash = Secrets.sha256(token);
        return lookup("token:" + HexFormat.of().formatHex(hash), () -> db.withConnection(c -> credentials.byTokenHash(c, hash)))
                .orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "the agent credential is not valid"));
    }

    private Optional<AgentCredentialStore.AgentCredential> lookup(String key, Supplier<Optional<AgentCredentialStore.AgentCredential>> load) {
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return Optional.of(hit.credential());
        }
        Optional<AgentCredentialStore.AgentCredential> found = load.get();
        if (found.isPresent()) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, new Cached(found.get(), now.plus(cacheFor)));
        } else {
            cache.remove(key);
        }
        return found;
    }

    private record Cached(AgentCredentialStore.AgentCredential credential, Instant until) {
    }
}
