package io.aami.server.users;

import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.contract.ErrorCode;
import io.aami.contract.users.UserTokenRequest;
import io.aami.contract.users.UserTokenView;
import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.security.Principal;
import io.aami.server.security.Secrets;
import io.aami.server.validation.Fields;
import io.aami.server.validation.StorableText;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Users' API tokens: issued with the secret shown once, listed without it, revoked; and resolved to a
 * {@link Principal} on every request ({@link #authenticate}). A token acts with its user's current role and
 * only while the user is enabled; something that is not a user token by its form costs no query, and an
 * unknown id is compared against a dummy hash like a known one, so the answer's timing says nothing about
 * the secret. The tokens valid at a recent request are kept in memory ({@link RecentTokens}), so the access
 * filter can still look them up when their address is past its invalid-token limit.
 */
public final class UserTokenService {
    static final int MAX_LIVE_TOKENS = 100;
    static final Duration MAX_LIFETIME = Duration.ofDays(2 * 366);
    /** The audit action of revoking all of a user's tokens at once. */
    static final String REVOKE_TOKENS = "revoke_tokens";
    private static final byte[] NO_TOKEN = Secrets.sha256("no user token has this hash");

    /** The audit state of {@link #revokeAll}: how many tokens were revoked and console sessions ended. */
    record AllRevoked(int revoked, int endedSessions) {
    }

    private final Database db;
    private final UserStore users;
    private final UserTokenStore store;
    private final TokenUses uses;
    private final Secrets secrets;
    private final AuditTrail audit;
    private final Clock clock;
    private final RecentTokens recent = new RecentTokens();

    UserTokenService(Database db, UserStore users, UserTokenStore store, TokenUses uses, Secrets secrets, AuditTrail audit,
                     Clock clock) {
        this.audit = audit;
        this.db = db;
        this.users = users;
        this.store = store;
        this.uses = uses;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * A new token for {@code userId}, recorded as {@code actor}'s. {@code callerToken} is the token the request
     * came with, if any: the new one expires no later than it (without an expiry of its own it takes the
     * caller's), so a leaked short-lived token cannot mint itself a lasting successor. {@code sessionEnd} is the
     * absolute end of the console session the request came with, if any: the same rule, so a borrowed session
     * cannot mint a token that outlives its logout and timeouts.
     */
    public UserTokenView create(Actor actor, UUID userId, UserTokenRequest req, UUID callerToken, Instant sessionEnd) {
        String name = Fields.required("name", req.name(), 100);
        StorableText.require("name", name);
        Instant now = clock.instant();
        Instant requested = expiry(req, now);
        UUID id = UUID.randomUUID();
        String token = UserTokenFormat.format(id, secrets.randomString(UserTokenFormat.SECRET_LENGTH));
        try {
            return db.inTransaction(c -> {
                if (users.lock(c, userId).orElseThrow(() -> ApiException.notFound("user", userId)).disabled()) {
                    throw ApiException.invalid("user", "user " + userId + " is disabled: enable it before giving it a token");
                }
                if (store.countLive(c, userId, now) >= MAX_LIVE_TOKENS) {
                    throw ApiException.invalid("name", "a user has at most " + MAX_LIVE_TOKENS + " live tokens; revoke one first");
                }
                Instant limit = callerToken == null ? sessionEnd : store.find(c, callerToken).map(UserToken::expiresAt).orElse(null);
                Instant expiresAt = notAfterCaller(limit, requested, req);
                UserToken t = new UserToken(id, userId, name, Secrets.sha256(token), now, expiresAt, null, null, null, null, false);
                store.insert(c, t);
                audit.record(c, actor, Change.created(Change.USER_TOKEN, id, t.view(now, null)));
                return t.view(now, token);
            });
        } catch (DataAccessException e) {
            if (e.uniqueViolation()) {
                throw ApiException.about(ErrorCode.ALREADY_EXISTS, "name", "this user already has a live token named '" + name + "'");
            }
            throw e;
        }
    }

    public List<UserTokenView> list(UUID userId) {
        Instant now = clock.instant();
        return db.withConnection(c -> {
            users.find(c, userId).orElseThrow(() -> ApiException.notFound("user", userId));
            return store.list(c, userId);
        }).stream().map(t -> t.view(now, null)).toList();
    }

    public void revoke(Actor actor, UUID userId, UUID tokenId) {
        db.inTransaction(c -> {
            Instant now = clock.instant();
            UserToken before = store.find(c, tokenId).filter(t -> t.userId().equals(userId)).orElse(null);
            if (before == null || !store.revoke(c, userId, tokenId, now)) {
                throw ApiException.notFound("token", tokenId);
            }
            audit.record(c, actor, Change.revoked(Change.USER_TOKEN, tokenId, before.view(now, null),
                    store.find(c, tokenId).orElseThrow().view(now, null)));
            return null;
        });
    }

    /**
     * Revokes every live token of {@code userId} and ends its console sessions ("log out everywhere"); how many tokens. Audited as one {@code revoke_tokens} row on the user
     * with that count (one row per request, like every other route; the tokens' own rows keep their history).
     */
    public int revokeAll(Actor actor, UUID userId) {
        return db.inTransaction(c -> {
            users.find(c, userId).orElseThrow(() -> ApiException.notFound("user", userId));
            int revoked = store.revokeAll(c, userId, clock.instant());
            int ended = users.endSessions(c, userId);
            audit.record(c, actor, new Change(REVOKE_TOKENS, Change.USER, userId.toString(), null, new AllRevoked(revoked, ended)));
            return revoked;
        });
    }

    public boolean wellFormed(String bearer) {
        return UserTokenFormat.id(bearer).isPresent();
    }

    public boolean recentlyValid(String bearer) {
        return UserTokenFormat.id(bearer).map(id -> recent.known(id, bearer, clock.instant())).orElse(false);
    }

    /** Who {@code bearer} acts as, if it is a live token of an enabled user. */
    public Optional<Principal> authenticate(String bearer) {
        Optional<UUID> id = UserTokenFormat.id(bearer);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<UserToken> row = db.withConnection(c -> store.find(c, id.get()));
        byte[] presented = Secrets.sha256(bearer);
        boolean matches = MessageDigest.isEqual(row.map(UserToken::secretSha256).orElse(NO_TOKEN), presented);
        Instant now = clock.instant();
        if (!matches || row.isEmpty() || !row.get().live(now)) {
            recent.invalid(id.get());
            return Optional.empty();
        }
        UserToken t = row.get();
        uses.record(t.id(), now);
        recent.valid(t.id(), presented, now);
        return Optional.of(Principal.user(t.userId(), t.userName(), t.userRole(), t.id()));
    }

    /** {@code requested}, unless it outlives the caller's own credential (then a 400), or the caller's end when none. */
    private static Instant notAfterCaller(Instant limit, Instant requested, UserTokenRequest req) {
        if (limit == null) {
            return requested;
        }
        if (requested == null) {
            return limit;
        }
        if (requested.isAfter(limit)) {
            throw ApiException.invalid(req.expiresAt() != null ? "expires_at" : "ttl_seconds",
                    "must be no later than " + limit + ", when the token or session this request came with expires");
        }
        return requested;
    }

    private static Instant expiry(UserTokenRequest req, Instant now) {
        if (req.ttlSeconds() != null && req.expiresAt() != null) {
            throw ApiException.invalid("ttl_seconds", "give either ttl_seconds or expires_at, not both");
        }
        if (req.ttlSeconds() == null && req.expiresAt() == null) {
            return null;
        }
        String field = req.expiresAt() != null ? "expires_at" : "ttl_seconds";
        if (req.ttlSeconds() != null && (req.ttlSeconds() < 1 || req.ttlSeconds() > MAX_LIFETIME.toSeconds())) {
            throw ApiException.invalid(field, "must be 1 to " + MAX_LIFETIME.toSeconds() + " seconds");
        }
        Instant at = req.expiresAt() != null ? req.expiresAt() : now.plusSeconds(req.ttlSeconds());
        if (!at.isAfter(now)) {
            throw ApiException.invalid(field, "must be in the future");
        }
        if (at.isAfter(now.plus(MAX_LIFETIME))) {
            throw ApiException.invalid(field, "must be at most " + MAX_LIFETIME.toDays() + " days from now");
        }
        return at;
    }
}
