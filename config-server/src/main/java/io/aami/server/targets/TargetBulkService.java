package io.aami.server.targets;

import io.aami.contract.targets.TargetBulkRequest;
import io.aami.contract.targets.TargetBulkResult;
import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.groups.GroupService;
import io.aami.server.policyscope.PolicyChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One change to many targets (the console's bulk actions): move to a group, or revoke. All or nothing, in one
 * transaction: every id must exist (else 404 naming the first missing one) before anything changes. Each target
 * changed is audited as the single routes audit it ({@code update} with before and after; {@code revoke}), so the
 * audit log reads the same whichever way an operator worked; a target the action would not change (already in the
 * group, already revoked) is left out of the answer and not audited. Set-based: a few statements whatever the
 * number of targets, so the row locks are held briefly.
 */
public final class TargetBulkService {
    private final Database db;
    private final TargetBulkStore store = new TargetBulkStore();
    private final TargetService targets;
    private final GroupService groups;
    private final Clock clock;
    private final AuditTrail audit;

    TargetBulkService(Database db, TargetService targets, GroupService groups, Clock clock, AuditTrail audit) {
        this.db = db;
        this.targets = targets;
        this.groups = groups;
        this.clock = clock;
        this.audit = audit;
    }

    public TargetBulkResult apply(Actor actor, TargetBulkRequest req) {
        String action = req.action();
        if (!TargetBulkRequest.MOVE.equals(action) && !TargetBulkRequest.REVOKE.equals(action)) {
            throw ApiException.invalid("action", "must be move or revoke");
        }
        Set<UUID> ids = validIds(req.targetIds());
        if (TargetBulkRequest.MOVE.equals(action)) {
            if (req.groupId() == null) {
                throw ApiException.invalid("group_id", "is required to move targets");
            }
            return new TargetBulkResult(action, db.inTransaction(c -> move(c, actor, ids, req.groupId())));
        }
        if (req.groupId() != null) {
            throw ApiException.invalid("group_id", "is only for move");
        }
        List<UUID> revoked = db.inTransaction(c -> revoke(c, actor, ids));
        targets.credentialsChanged(revoked);
        return new TargetBulkResult(action, revoked);
    }

    private static Set<UUID> validIds(List<UUID> ids) {
        if (ids == null || ids.isEmpty()) {
            throw ApiException.invalid("target_ids", "must name at least one target");
        }
        if (ids.size() > TargetBulkRequest.MAX_TARGETS) {
            throw ApiException.invalid("target_ids", "at most " + TargetBulkRequest.MAX_TARGETS + " targets at once");
        }
        Set<UUID> out = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) == null) {
                throw ApiException.invalid("target_ids[" + i + "]", "must be a target id");
            }
            if (!out.add(ids.get(i))) {
                throw ApiException.invalid("target_ids[" + i + "]", "names " + ids.get(i) + " twice");
            }
        }
        return out;
    }

    /** Locks every target; the first id that does not exist is a 404 naming it, before anything changed. */
    private Map<UUID, Target> lockAll(Connection c, Set<UUID> ids) throws SQLException {
        Map<UUID, Target> found = store.lockAll(c, ids).stream().collect(Collectors.toMap(Target::id, Function.identity()));
        for (UUID id : ids) {
            if (!found.containsKey(id)) {
                throw ApiException.unknown("target_ids", "target " + id + " does not exist");
            }
        }
        return found;
    }

    private List<UUID> move(Connection c, Actor actor, Set<UUID> ids, UUID groupId) throws SQLException {
        groups.requireExists(c, groupId);
        Map<UUID, Target> before = lockAll(c, ids);
        Map<UUID, Target> after = byId(store.move(c, ids, groupId, clock.instant()));
        if (after.isEmpty()) {
            return List.of();
        }
        List<UUID> moved = inRequestOrder(ids, after);
        Set<UUID> oldGroups = new LinkedHashSet<>();
        List<Change> changes = new ArrayList<>(moved.size());
        for (UUID id : moved) {
            oldGroups.add(before.get(id).groupId());
            changes.add(Change.updated(Change.TARGET, id, before.get(id).view(), after.get(id).view()));
        }
        PolicyChanges.targets(c, moved);
        for (UUID old : oldGroups) {
            PolicyChanges.members(c, old);
        }
        PolicyChanges.members(c, groupId);
        audit.recordAll(c, actor, changes);
        return moved;
    }

    /**
     * What {@link TargetService#revokeIn} does to one target, done to all at once: one UPDATE, one retirement
     * INSERT, one statement of change notices, one audit batch — a few statements while the rows are locked, not
     * several per target. A target already revoked is left as it is and not in the answer (as move leaves one
     * already in the group).
     */
    private List<UUID> revoke(Connection c, Actor actor, Set<UUID> ids) throws SQLException {
        Map<UUID, Target> before = lockAll(c, ids);
        Instant now = clock.instant();
        Map<UUID, Target> after = byId(store.revoke(c, ids, now));
        if (after.isEmpty()) {
            return List.of();
        }
        List<UUID> revoked = inRequestOrder(ids, after);
        store.retire(c, revoked, "revoked", now);
        CredentialChanges.publishAll(c, revoked);
        Set<UUID> groupsLosing = new LinkedHashSet<>();
        List<Change> changes = new ArrayList<>(revoked.size());
        for (UUID id : revoked) {
            groupsLosing.add(after.get(id).groupId());
            changes.add(Change.revoked(Change.TARGET, id, before.get(id).view(), after.get(id).view()));
        }
        for (UUID group : groupsLosing) {
            PolicyChanges.members(c, group);
        }
        audit.recordAll(c, actor, changes);
        return revoked;
    }

    private static Map<UUID, Target> byId(List<Target> rows) {
        return rows.stream().collect(Collectors.toMap(Target::id, Function.identity()));
    }

    private static List<UUID> inRequestOrder(Set<UUID> ids, Map<UUID, Target> changed) {
        return ids.stream().filter(changed::containsKey).toList();
    }
}
