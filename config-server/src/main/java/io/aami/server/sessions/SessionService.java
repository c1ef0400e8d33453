package io.aami.server.sessions;

import io.aami.contract.ErrorCode;
import io.aami.contract.users.SessionLoginRequest;
import io.aami.contract.users.SessionView;
import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.server.config.ServerConfig;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.security.SessionSecrets;
import io.aami.server.security.LiveSession;
import io.aami.server.security.Principal;
import io.aami.server.security.Secrets;
import io.aami.server.users.PasswordLogin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Rules for the console's browser sessions: made by a name-and-password login (with {@link PasswordLogin}'s limits),
 * ended by logout, by {@code sessions.idle_timeout} without a request, by {@code sessions.absolute_timeout} after the
 * login whatever the use, and at once when the user is disabled or deleted. Every request re-reads the user's current
 * role with the session (one query), so a demotion counts from the next request. A background poll
 * ({@code X-AAMI-Poll: 1}) is no use: a console left open still reaches its idle timeout. The last use is written at most once
 * a {@link #TOUCH_EVERY}, so the stored last use lags real use by up to that much and the idle timeout may end a
 * session up to that much early (hence {@code sessions.idle_timeout} is at least 5m). Login and logout are audited.
 */
final class SessionService {
    static final String SESSION = "session";
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    /** A new session: its id (for the cookie only) and what its user may see of it. */
    record NewSession(String id, SessionView view) {
    }

    private final Database db;
    private final SessionStore store;
    private final PasswordLogin login;
    private final Secrets secrets;
    private final AuditTrail audit;
    private final ServerConfig.Sessions limits;
    private final Clock clock;

    SessionService(Database db, SessionStore store, PasswordLogin login, Secrets secrets, AuditTrail audit,
                   ServerConfig.Sessions limits, Clock clock) {
        this.db = db;
        this.store = store;
        this.login = login;
        this.secrets = secrets;
        this.audit = audit;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * A new session for the name and password; {@code previous} is the session id the browser's cookie already carried,
     * if any: that session ends (the new cookie replaces it in the browser, so nothing would ever log it out).
     */
    NewSession login(SessionLoginRequest req, String address, String previous) {
        Principal p = login.authenticate(req.user(), req.password(), address);
        Actor actor = Actor.of(p, address);
        String id = secrets.randomString(SessionSecrets.ID_LENGTH);
        UUID rowId = UUID.randomUUID();
        Instant now = clock.instant();
        db.inTransaction(c -> {
            Optional<Session> replaced = previous == null ? Optional.empty() : store.find(c, Secrets.sha256(previous));
            if (replaced.isPresent()) {
                store.delete(c, replaced.get().id());
            }
            store.insert(c, rowId, Secrets.sha256(id), p.userId(), now, actor.address());
            audit.record(c, actor, new Change("login", SESSION, rowId.toString(), null, replaced.isEmpty()
                    ? Map.of("user_id", p.userId()) : Map.of("user_id", p.userId(), "replaced", replaced.get().id())));
            return null;
        });
        return new NewSession(id, view(rowId, id, p, now, now));
    }

    /** The live session {@code id} names, as its user's current principal; an ended one is deleted. */
    Optional<LiveSession> authenticate(String id, boolean background) {
        return live(id, !background).map(s -> new LiveSession(Principal.user(s.userId(), s.userName(), s.role(), null),
                s.createdAt().plus(limits.absoluteTimeout())));
    }

    SessionView view(String id) {
        Session s = live(id, true).orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, "the session has ended; log in again"));
        return view(s.id(), id, Principal.user(s.userId(), s.userName(), s.role(), null), s.createdAt(), s.lastSeenAt());
    }

    void logout(Actor actor, String id) {
        db.inTransaction(c -> {
            Optional<Session> s = store.find(c, Secrets.sha256(id));
            if (s.isPresent() && store.delete(c, s.get().id())) {
                audit.record(c, actor, new Change("logout", SESSION, s.get().id().toString(), Map.of("user_id", s.get().userId()), null));
            }
            return null;
        });
    }

    /** Deletes sessions that ended unused, in batches, so the table holds only live ones and the recently ended. */
    int purge() {
        Instant now = clock.instant();
        int total = 0;
        for (int n = PURGE_BATCH; n == PURGE_BATCH; total += n) {
            n = db.withConnection(c -> store.deleteEnded(c, now.minus(limits.idleTimeout()), now.minus(limits.absoluteTimeout()),
                    PURGE_BATCH));
        }
        return total;
    }

    private static final int PURGE_BATCH = 1000;

    /** The live session {@code id} names; {@code use}: the request counts as use (moves the idle timeout). */
    private Optional<Session> live(String id, boolean use) {
        Instant now = clock.instant();
        return db.withConnection(c -> {
            Session s = store.find(c, Secrets.sha256(id)).orElse(null);
            if (s == null) {
                return Optional.empty();
            }
            if (ended(s, now)) {
                store.delete(c, s.id());
                return Optional.empty();
            }
            if (use && !now.isBefore(s.lastSeenAt().plus(TOUCH_EVERY))) {
                store.touch(c, s.id(), now);
            }
            return Optional.of(s);
        });
    }

    private boolean ended(Session s, Instant now) {
        return s.userDisabled() || !now.isBefore(s.lastSeenAt().plus(limits.idleTimeout()))
                || !now.isBefore(s.createdAt().plus(limits.absoluteTimeout()));
    }

    private SessionView view(UUID rowId, String id, Principal p, Instant created, Instant lastSeen) {
        Instant absolute = created.plus(limits.absoluteTimeout());
        Instant idle = lastSeen.plus(limits.idleTimeout());
        return new SessionView(rowId, p.userId(), p.name(), p.role().wire(), SessionSecrets.csrfToken(id),
                idle.isBefore(absolute) ? idle : absolute, absolute);
    }
}
