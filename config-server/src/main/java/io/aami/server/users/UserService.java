package io.aami.server.users;

import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.aami.contract.ErrorCode;
import io.aami.contract.users.PasswordRequest;
import io.aami.contract.users.UserRequest;
import io.aami.contract.users.UserUpdate;
import io.aami.contract.users.UserView;
import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.security.PasswordHasher;
import io.aami.server.security.Principal;
import io.aami.server.security.Role;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rules for users: names unique without regard to case; passwords hashed (Argon2id) before any transaction;
 * the last enabled admin can be neither demoted, disabled nor deleted; disabling a user revokes its tokens and ends
 * its console sessions (so re-enabling it does not bring back a credential that may have leaked meanwhile); a new
 * password ends the sessions too. Every change is audited (a
 * password change as {@code set_password}, never the password or its hash).
 */
public final class UserService {
    /** The audit state after a password change: the user, flat, and what became of its tokens. */
    record PasswordSet(@JsonUnwrapped UserView user, boolean revokeTokens, int revokedTokens, int endedSessions) {
    }

    /** The audit state after a disable: the user, flat, and how many of its console sessions ended with it. */
    record Disabled(@JsonUnwrapped UserView user, int endedSessions) {
    }


    private final Database db;
    private final UserStore store;
    private final UserTokenStore tokens;
    private final PasswordHasher hasher;
    private final AuditTrail audit;
    private final Clock clock;

    public UserService(Database db, UserStore store, UserTokenStore tokens, PasswordHasher hasher, AuditTrail audit, Clock clock) {
        this.audit = audit;
        this.db = db;
        this.store = store;
        this.tokens = tokens;
        this.hasher = hasher;
        this.clock = clock;
    }

    public UserView create(Actor actor, UserRequest req) {
        String name = UserFields.name(req.name());
        Role role = UserFields.role(req.role());
        String hash = hasher.hash(UserFields.password(req.password(), name));
        Instant now = clock.instant();
        User u = new User(UUID.randomUUID(), name, role, hash, false, now, now);
        try {
            db.inTransaction(c -> {
                store.insert(c, u);
                audit.record(c, actor, Change.created(Change.USER, u.id(), u.view()));
                return null;
            });
        } catch (DataAccessException e) {
            if (e.uniqueViolation()) {
                throw ApiException.about(ErrorCode.ALREADY_EXISTS, "name", "a user named '" + name + "' already exists");
            }
            throw e;
        }
        return u.view();
    }

    public List<UserView> list() {
        return db.withConnection(store::list).stream().map(User::view).toList();
    }

    public UserView get(UUID id) {
        return db.withConnection(c -> store.find(c, id)).orElseThrow(() -> ApiException.notFound("user", id)).view();
    }

    /** Changes the role and/or the disabled flag; a null field keeps its value. */
    public UserView update(Actor actor, UUID id, UserUpdate req) {
        Role role = req.role() == null ? null : UserFields.role(req.role());
        return db.inTransaction(c -> {
            List<UUID> admins = store.lockEnabledAdmins(c);
            User old = existing(c, id);
            User u = new User(id, old.name(), role == null ? old.role() : role, old.passwordHash(),
                    req.disabled() == null ? old.disabled() : req.disabled(), old.createdAt(), clock.instant());
            if (old.enabledAdmin() && !u.enabledAdmin()) {
                requireAnotherAdmin(admins, id, "demote or disable");
            }
            store.update(c, u);
            Object after = u.view();
            if (u.disabled() && !old.disabled()) {
                tokens.revokeAll(c, id, u.updatedAt());
                after = new Disabled(u.view(), store.endSessions(c, id));
            }
            audit.record(c, actor, Change.updated(Change.USER, id, old.view(), after));
            return u.view();
        });
    }

    /**
     * A new password; unless {@code revoke_tokens} is false, the user's tokens are revoked with the old one. Audited
     * as {@code set_password}: the user, whether its tokens went and how many; never the password or its hash.
     */
    public void setPassword(Actor actor, UUID id, PasswordRequest req) {
        User found = db.withConnection(c -> store.find(c, id)).orElseThrow(() -> ApiException.notFound("user", id));
        String hash = hasher.hash(UserFields.password(req.password(), found.name()));
        boolean revoke = req.revokeTokens() == null || req.revokeTokens();
        db.inTransaction(c -> {
            User old = existing(c, id);
            Instant now = clock.instant();
            User u = new User(id, old.name(), old.role(), hash, old.disabled(), old.createdAt(), now);
            store.update(c, u);
            int revoked = revoke ? tokens.revokeAll(c, id, now) : 0;
            // The old password may be what leaked: the sessions it opened end too, whatever revoke_tokens says.
            int ended = store.endSessions(c, id);
            audit.record(c, actor, new Change("set_password", Change.USER, id.toString(), old.view(),
                    new PasswordSet(u.view(), revoke, revoked, ended)));
            return null;
        });
    }

    public void delete(Actor actor, UUID id) {
        db.inTransaction(c -> {
            List<UUID> admins = store.lockEnabledAdmins(c);
            User old = existing(c, id);
            if (old.enabledAdmin()) {
                requireAnotherAdmin(admins, id, "delete");
            }
            store.delete(c, id);
            audit.record(c, actor, Change.deleted(Change.USER, id, old.view()));
            return null;
        });
    }

    /**
     * The user {@code name} and {@code password} identify, if enabled. The same Argon2 work is done for a name
     * that has no user, so neither the answer nor its timing tells which names exist. (For the console's login.)
     */
    public Optional<Principal> authenticate(String name, String password) {
        Optional<User> found = name == null ? Optional.empty() : db.withConnection(c -> store.findByName(c, name.trim()));
        if (found.isEmpty() || password == null) {
            hasher.verifyNobody(password);
            return Optional.empty();
        }
        User u = found.get();
        boolean matches = hasher.verify(u.passwordHash(), password);
        return matches && !u.disabled() ? Optional.of(Principal.user(u.id(), u.name(), u.role(), null)) : Optional.empty();
    }

    private User existing(Connection c, UUID id) throws SQLException {
        return store.lock(c, id).orElseThrow(() -> ApiException.notFound("user", id));
    }

    private static void requireAnotherAdmin(List<UUID> enabledAdmins, UUID id, String what) {
        if (enabledAdmins.stream().noneMatch(a -> !a.equals(id))) {
            throw new ApiException(ErrorCode.LAST_ADMIN, "cannot " + what + " the last enabled admin; make another user admin first");
        }
    }
}
