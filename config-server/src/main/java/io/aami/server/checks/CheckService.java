package io.aami.server.checks;

import io.aami.contract.checks.CheckRequest;
import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.contract.checks.CheckView;
import io.aami.server.config.ServerConfig;
import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.groups.GroupService;
import io.aami.server.error.ApiException;
import io.aami.server.policyscope.PolicyChanges;
import io.aami.server.targets.ScopeOwners;
import io.aami.server.targets.TargetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Rules for check policies; every change is announced so agents in scope pick it up at once, and audited. */
public final class CheckService {
    private final Database db;
    private final CheckStore store;
    private final GroupService groups;
    private final TargetStore targets;
    private final CheckValidator validator;
    private final AuditTrail audit;
    private final Clock clock;

    public CheckService(Database db, CheckStore store, GroupService groups, TargetStore targets, ServerConfig.Checks limits,
                        AuditTrail audit, Clock clock) {
        this.audit = audit;
        this.db = db;
        this.store = store;
        this.groups = groups;
        this.targets = targets;
        this.validator = new CheckValidator(limits);
        this.clock = clock;
    }

    public CheckView create(Actor actor, CheckRequest req) {
        Instant now = clock.instant();
        CheckView v = validator.validated(UUID.randomUUID(), req, now, now);
        return uniqueName(() -> db.inTransaction(c -> {
            requireScopeExists(c, v);
            store.insert(c, v);
            audit.record(c, actor, Change.created(Change.CHECK, v.id(), v));
            PolicyChanges.scope(c, v.groupId(), v.targetId());
            return v;
        }));
    }

    /** Replaces the whole check (PUT semantics); the old and the new scope are both notified. */
    public CheckView replace(Actor actor, UUID id, CheckRequest req) {
        return uniqueName(() -> db.inTransaction(c -> {
            CheckView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("check", id));
            CheckView v = validator.validated(id, req, old.createdAt(), clock.instant());
            requireScopeExists(c, v);
            store.update(c, v);
            audit.record(c, actor, Change.updated(Change.CHECK, id, old, v));
            PolicyChanges.scope(c, old.groupId(), old.targetId());
            PolicyChanges.scope(c, v.groupId(), v.targetId());
            return v;
        }));
    }

    /**
     * Switches a check on or off, the rest of it as it is (a PUT of the whole check from a page would undo an edit
     * made meanwhile). Audited as an update; a no-op (already so) changes and records nothing.
     */
    public CheckView setEnabled(Actor actor, UUID id, Boolean enabled) {
        if (enabled == null) {
            throw ApiException.invalid("enabled", "is required (true or false)");
        }
        return db.inTransaction(c -> {
            CheckView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("check", id));
            if (old.enabled() == enabled) {
                return old;
            }
            CheckView v = old.withEnabled(enabled, clock.instant());
            store.update(c, v);
            audit.record(c, actor, Change.updated(Change.CHECK, id, old, v));
            PolicyChanges.scope(c, v.groupId(), v.targetId());
            return v;
        });
    }

    public CheckView get(UUID id) {
        return db.withConnection(c -> store.find(c, id)).orElseThrow(() -> ApiException.notFound("check", id));
    }

    public List<CheckView> list(UUID groupId, UUID targetId) {
        return db.withConnection(c -> store.list(c, groupId, targetId));
    }

    public void delete(Actor actor, UUID id) {
        db.inTransaction(c -> {
            CheckView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("check", id));
            store.delete(c, id);
            audit.record(c, actor, Change.deleted(Change.CHECK, id, old));
            PolicyChanges.scope(c, old.groupId(), old.targetId());
            return null;
        });
    }

    private void requireScopeExists(Connection c, CheckView v) throws SQLException {
        ScopeOwners.requireExists(c, groups, targets, v.groupId(), v.targetId());
    }

    private static CheckView uniqueName(Supplier<CheckView> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            if (e.uniqueViolation()) {
                throw ApiException.invalid("name", "a check with this name already exists in the same scope");
            }
            throw e;
        }
    }
}
