package io.aami.server.tokens;

import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.server.validation.Fields;
import io.aami.contract.tokens.BootstrapTokenRequest;
import io.aami.contract.tokens.BootstrapTokenUseView;
import io.aami.contract.tokens.BootstrapTokenView;
import io.aami.server.config.ServerConfig;
import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.groups.GroupService;
import io.aami.server.error.ApiException;
import io.aami.server.security.Cidr;
import io.aami.server.security.Secrets;
import io.aami.server.targets.TargetService;
import io.aami.server.targets.TargetStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Rules for bootstrap tokens: bounded lifetime and uses, secrets shown once and stored hashed; every change audited (never the secret). */
public final class BootstrapTokenService {
    private static final int MAX_USES_LIMIT = 1_000_000;
    private static final int ID_ATTEMPTS = 5;

    private final Database db;
    private final BootstrapTokenStore store;
    private final GroupService groups;
    private final Secrets secrets;
    private final ServerConfig.Tokens limits;
    private final TargetStore targets;
    private final TargetService targetService;
    private final AuditTrail audit;
    private final Clock clock;

    public BootstrapTokenService(Database db, BootstrapTokenStore store, GroupService groups, Secrets secrets,
                                 ServerConfig.Tokens limits, TargetStore targets, TargetService targetService, AuditTrail audit,
                                 Clock clock) {
        this.audit = audit;
        this.targets = targets;
        this.targetService = targetService;
        this.db = db;
        this.store = store;
        this.groups = groups;
        this.secrets = secrets;
        this.limits = limits;
        this.clock = clock;
    }

    public BootstrapTokenView create(Actor actor, BootstrapTokenRequest req) {
        Instant now = clock.instant();
        String name = Fields.required("name", req.name(), 128);
        int maxUses = maxUses(req.maxUses());
        Instant expiresAt = expiry(req, now);
        List<String> cidrs = cidrs(req.allowedCidrs());
        var labels = Fields.labels("labels", req.labels());
        for (int attempt = 1; ; attempt++) {
            String secret = secrets.randomString(TokenFormat.SECRET_LENGTH);
            BootstrapToken token = new BootstrapToken(secrets.randomString(TokenFormat.ID_LENGTH), name, Secrets.sha256(secret),
                    req.groupId(), labels, cidrs, maxUses, 0, expiresAt, null, now);
            try {
                db.inTransaction(c -> {
                    groups.requireExists(c, req.groupId());
                    store.insert(c, token);
                    audit.record(c, actor, Change.created(Change.BOOTSTRAP_TOKEN, token.id(), token.view(now, null)));
                    return null;
                });
                return token.view(now, TokenFormat.format(token.id(), secret));
            } catch (DataAccessException e) {
                if (e.foreignKeyViolation()) {
                    // The group was deleted between the check and the insert.
                    throw new ApiException(io.aami.contract.ErrorCode.UNKNOWN_GROUP,
                            "group_id: group " + req.groupId() + " does not exist");
                }
                // A 6-character public id can collide; draw a new one.
                if (!e.uniqueViolation() || attempt >= ID_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public List<BootstrapTokenView> list() {
        Instant now = clock.instant();
        return db.withConnection(store::list).stream().map(t -> t.view(now, null)).toList();
    }

    /** The {@code limit} newest tokens (ask one more than you show to know whether there are more). */
    public List<BootstrapTokenView> newest(int limit) {
        Instant now = clock.instant();
        return db.withConnection(c -> store.newest(c, limit)).stream().map(t -> t.view(now, null)).toList();
    }

    public BootstrapTokenView get(String id) {
        return db.withConnection(c -> store.find(c, id)).map(t -> t.view(clock.instant(), null))
                .orElseThrow(() -> ApiException.notFound("bootstrap token", id));
    }

    /**
     * Revokes the token. Agents it enrolled keep working unless {@code revokeAgents}, which revokes
     * them too (a leaked token whose enrollments cannot be trusted); returns how many were revoked.
     */
    public int revoke(Actor actor, String id, boolean revokeAgents) {
        List<UUID> revoked = db.inTransaction(c -> {
            Instant now = clock.instant();
            BootstrapToken before = store.lockForUse(c, id).orElseThrow(() -> ApiException.notFound("bootstrap token", id));
            if (!store.revoke(c, id, now)) {
                throw ApiException.notFound("bootstrap token", id);
            }
            audit.record(c, actor, Change.revoked(Change.BOOTSTRAP_TOKEN, id, before.view(now, null),
                    store.find(c, id).orElseThrow().view(now, null)));
            List<UUID> agents = new java.util.ArrayList<>();
            if (revokeAgents) {
                for (UUID agent : targets.enrolledBy(c, id)) {
                    if (targetService.revokeIn(c, actor, agent).isPresent()) {
                        agents.add(agent);
                    }
                }
            }
            return agents;
        });
        targetService.credentialsChanged(revoked);
        return revoked.size();
    }

    public List<BootstrapTokenUseView> uses(String id) {
        return db.withConnection(c -> {
            if (store.find(c, id).isEmpty()) {
                throw ApiException.notFound("bootstrap token", id);
            }
            return store.uses(c, id);
        });
    }

    private static int maxUses(Integer requested) {
        if (requested == null) {
            throw ApiException.invalid("max_uses", "is required (how many agents may enroll with this token)");
        }
        if (requested < 1 || requested > MAX_USES_LIMIT) {
            throw ApiException.invalid("max_uses", "must be between 1 and " + MAX_USES_LIMIT);
        }
        return requested;
    }

    private Instant expiry(BootstrapTokenRequest req, Instant now) {
        if (req.ttlSeconds() != null && req.expiresAt() != null) {
            throw ApiException.invalid("ttl_seconds", "give either ttl_seconds or expires_at, not both");
        }
        Instant expiresAt;
        if (req.expiresAt() != null) {
            expiresAt = req.expiresAt();
        } else if (req.ttlSeconds() != null) {
            if (req.ttlSeconds() < 1) {
                throw ApiException.invalid("ttl_seconds", "must be at least 1");
            }
            expiresAt = now.plusSeconds(Math.min(req.ttlSeconds(), limits.maxTtl().toSeconds() + 1));
        } else {
            expiresAt = now.plus(limits.defaultTtl());
        }
        String field = req.expiresAt() != null ? "expires_at" : "ttl_seconds";
        if (!expiresAt.isAfter(now)) {
            throw ApiException.invalid(field, "must lie in the future");
        }
        if (Duration.between(now, expiresAt).compareTo(limits.maxTtl()) > 0) {
            throw ApiException.invalid(field, "must not be more than " + limits.maxTtl().toDays() + " days ahead");
        }
        return expiresAt;
    }

    private static List<String> cidrs(List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        if (requested.size() > 100) {
            throw ApiException.invalid("allowed_cidrs", "at most 100 networks");
        }
        return requested.stream().map(s -> {
            try {
                return Cidr.parse(s).toString();
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("allowed_cidrs", e.getMessage());
            }
        }).toList();
    }
}
