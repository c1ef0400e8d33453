package io.aami.server.probes;

import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.contract.probes.ProbeRequest;
import io.aami.contract.probes.ProbeView;
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

/** Rules for probe policies; every change is announced so agents in scope pick it up at once, and audited. */
public final class ProbeService {
    private final Database db;
    private final ProbeStore store;
    private final GroupService groups;
    private final TargetStore targets;
    private final ProbeValidator validator = new ProbeValidator();
    private final AuditTrail audit;
    private final Clock clock;

    public ProbeService(Database db, ProbeStore store, GroupService groups, TargetStore targets, AuditTrail audit, Clock clock) {
        this.audit = audit;
        this.db = db;
        this.store = store;
        this.groups = groups;
        this.targets = targets;
        this.clock = clock;
    }

    public ProbeView create(Actor actor, ProbeRequest req) {
        Instant now = clock.instant();
        ProbeView p = validator.validated(UUID.randomUUID(), req, now, now);
        return uniqueName(() -> db.inTransaction(c -> {
            requireReferencesExist(c, p);
            store.insert(c, p);
            audit.record(c, actor, Change.created(Change.PROBE, p.id(), p));
            PolicyChanges.scope(c, p.groupId(), p.targetId());
            return p;
        }));
    }

    public ProbeView replace(Actor actor, UUID id, ProbeRequest req) {
        return uniqueName(() -> db.inTransaction(c -> {
            ProbeView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("probe", id));
            ProbeView p = validator.validated(id, req, old.createdAt(), clock.instant());
            requireReferencesExist(c, p);
            store.update(c, p);
            audit.record(c, actor, Change.updated(Change.PROBE, id, old, p));
            PolicyChanges.scope(c, old.groupId(), old.targetId());
            PolicyChanges.scope(c, p.groupId(), p.targetId());
            return p;
        }));
    }

    /**
     * Switches a probe on or off, the rest of it as it is (a PUT of the whole probe from a page would undo an edit
     * made meanwhile). Audited as an update; a no-op (already so) changes and records nothing.
     */
    public ProbeView setEnabled(Actor actor, UUID id, Boolean enabled) {
        if (enabled == null) {
            throw ApiException.invalid("enabled", "is required (true or false)");
        }
        return db.inTransaction(c -> {
            ProbeView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("probe", id));
            if (old.enabled() == enabled) {
                return old;
            }
            ProbeView p = new ProbeView(old.id(), old.name(), old.description(), old.sourceIp(), old.sourcePort(), old.target(),
                    old.targetGroupId(), old.targetPort(), old.protocol(), old.timeoutMs(), old.intervalSeconds(), old.payload(),
                    old.expect(), old.udpNoReplyOk(), old.scope(), old.groupId(), old.targetId(), old.global(), old.labels(),
                    enabled, old.createdAt(), clock.instant(), old.http(), old.icmp());
            store.update(c, p);
            audit.record(c, actor, Change.updated(Change.PROBE, id, old, p));
            PolicyChanges.scope(c, p.groupId(), p.targetId());
            return p;
        });
    }

    public ProbeView get(UUID id) {
        return db.withConnection(c -> store.find(c, id)).orElseThrow(() -> ApiException.notFound("probe", id));
    }

    public List<ProbeView> list(UUID groupId, UUID targetId) {
        return db.withConnection(c -> store.list(c, groupId, targetId));
    }

    public void delete(Actor actor, UUID id) {
        db.inTransaction(c -> {
            ProbeView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("probe", id));
            store.delete(c, id);
            audit.record(c, actor, Change.deleted(Change.PROBE, id, old));
            PolicyChanges.scope(c, old.groupId(), old.targetId());
            return null;
        });
    }

    private void requireReferencesExist(Connection c, ProbeView p) throws SQLException {
        ScopeOwners.requireExists(c, groups, targets, p.groupId(), p.targetId());
        groups.requireExists(c, p.targetGroupId());
    }

    private static ProbeView uniqueName(Supplier<ProbeView> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            if (e.uniqueViolation()) {
                throw ApiException.invalid("name", "a probe with this name already exists in the same scope");
            }
            throw e;
        }
    }
}
