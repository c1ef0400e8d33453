package io.aami.server.targets;

import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.server.validation.Fields;
import io.aami.contract.ErrorCode;
import io.aami.contract.targets.TargetRequest;
import io.aami.contract.targets.TargetView;
import io.aami.server.db.ChangeFeed;
import io.aami.server.db.Database;
import io.aami.server.groups.GroupService;
import io.aami.server.error.ApiException;
import io.aami.server.policyscope.PolicyChanges;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Rules for targets managed by operators (and Terraform): pre-registration, listing, deletion. Every change is audited. */
public final class TargetService {
    public static final int MAX_HOSTNAME = 253;
    private static final Set<String> STATUSES = Set.of(Target.PENDING, Target.ONLINE, Target.OFFLINE, Target.REVOKED);

    private final Database db;
    private final TargetStore store;
    private final GroupService groups;
    private final Clock clock;
    private final ChangeFeed changes;
    private final AuditTrail audit;

    public TargetService(Database db, TargetStore store, GroupService groups, Clock clock, ChangeFeed changes, AuditTrail audit) {
        this.audit = audit;
        this.db = db;
        this.store = store;
        this.groups = groups;
        this.clock = clock;
        this.changes = changes;
    }

    /** Result of a create-or-update: the target and whether it is new. */
    public record Saved(TargetView target, boolean created) {
    }

    /**
     * Creates or updates the target with this client-chosen id; the same body twice is the same state (and the
     * second changes nothing, so it is not audited).
     */
    public Saved put(Actor actor, UUID id, TargetRequest req) {
        String hostname = Fields.required("hostname", req.hostname(), MAX_HOSTNAME);
        var labels = Fields.labels("labels", req.labels());
        return db.inTransaction(c -> {
            requireNotRetired(c, id);
            groups.requireExists(c, req.groupId());
            var before = store.lock(c, id);
            UUID oldGroup = before.map(Target::groupId).orElse(null);
            TargetStore.Upsert outcome = store.upsert(c, id, hostname, req.groupId(), labels, clock.instant());
            if (outcome != TargetStore.Upsert.UNCHANGED) {
                PolicyChanges.target(c, id);
                PolicyChanges.members(c, oldGroup);
                PolicyChanges.members(c, req.groupId());
            }
            Target t = store.find(c, id).orElseThrow();
            if (outcome == TargetStore.Upsert.CREATED) {
                audit.record(c, actor, Change.created(Change.TARGET, id, t.view()));
            } else if (outcome == TargetStore.Upsert.UPDATED) {
                audit.record(c, actor, Change.updated(Change.TARGET, id, before.map(Target::view).orElse(null), t.view()));
            }
            return new Saved(t.view(), outcome == TargetStore.Upsert.CREATED);
        });
    }

    public TargetView get(UUID id) {
        return db.withConnection(c -> store.find(c, id)).map(Target::view)
                .orElseThrow(() -> ApiException.notFound("target", id));
    }

    public List<TargetView> list(UUID groupId, String status, UUID after, int limit) {
        String s = status == null || status.isBlank() ? null : status.trim().toLowerCase(Locale.ROOT);
        if (s != null && !STATUSES.contains(s)) {
            throw ApiException.invalid("status", "must be one of pending, online, offline, revoked");
        }
        return db.withConnection(c -> store.list(c, groupId, s, after, limit)).stream().map(Target::view).toList();
    }

    /** Deletes the target; its id is retired, so no enrollment can ever claim it again. */
    public void delete(Actor actor, UUID id) {
        boolean deleted = db.inTransaction(c -> {
            var before = store.lock(c, id);
            UUID group = before.map(Target::groupId).orElse(null);
            boolean gone = store.delete(c, id);
            if (gone) {
                audit.record(c, actor, Change.deleted(Change.TARGET, id, before.map(Target::view).orElse(null)));
                store.retire(c, id, "deleted", clock.instant());
                CredentialChanges.publish(c, id);
                PolicyChanges.members(c, group);
            }
            return gone;
        });
        if (!deleted) {
            throw ApiException.notFound("target", id);
        }
        credentialsChanged(List.of(id));
    }

    /** Revokes the agent: its very next request is refused, whatever its credential; the id is retired. */
    public TargetView revoke(Actor actor, UUID id) {
        TargetView revoked = db.inTransaction(c -> revokeIn(c, actor, id).orElseThrow(() -> ApiException.notFound("target", id)));
        credentialsChanged(List.of(id));
        return revoked;
    }

    /**
     * After the commit of a {@link #revokeIn} (or a deletion): this replica's credential cache drops
     * the agents now, not when the change feed's notice comes back, so their very next request here
     * is refused; other replicas follow on the notice.
     */
    public void credentialsChanged(List<UUID> agents) {
        agents.forEach(a -> changes.deliverLocally(CredentialChanges.TOPIC, a.toString()));
    }

    /** Revokes inside the caller's transaction, audited as {@code actor}'s; the revoked target, or empty when there is none. */
    public java.util.Optional<TargetView> revokeIn(java.sql.Connection c, Actor actor, UUID id) throws java.sql.SQLException {
        var before = store.lock(c, id);
        var group = store.revoke(c, id, clock.instant());
        if (group.isEmpty()) {
            return java.util.Optional.empty();
        }
        store.retire(c, id, "revoked", clock.instant());
        CredentialChanges.publish(c, id);
        PolicyChanges.members(c, group.get().orElse(null));
        TargetView after = store.find(c, id).orElseThrow().view();
        audit.record(c, actor, Change.revoked(Change.TARGET, id, before.map(Target::view).orElse(null), after));
        return java.util.Optional.of(after);
    }

    /** A deleted target's id stays unusable; a revoked target still exists and may be edited. */
    private void requireNotRetired(java.sql.Connection c, UUID id) throws java.sql.SQLException {
        var reason = store.retired(c, id);
        if (reason.isPresent() && store.find(c, id).isEmpty()) {
            throw new ApiException(ErrorCode.AGENT_ID_RETIRED,
                    "target id " + id + " was " + reason.get() + " and cannot be used again; pick a new UUID");
        }
    }
}
