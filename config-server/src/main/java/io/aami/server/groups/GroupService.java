package io.aami.server.groups;

import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.server.validation.Fields;
import io.aami.contract.groups.GroupRequest;
import io.aami.contract.groups.GroupView;
import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.contract.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Rules for groups: names unique (case-insensitively); a group still referenced cannot be deleted, except by
 * what the {@link GroupDeletionStep}s remove with it (bootstrap tokens that can no longer enroll). Every change is audited.
 */
public final class GroupService {
    private final Database db;
    private final GroupStore store;
    private final AuditTrail audit;
    private final Clock clock;
    // Filled once while features are wired (tokens registers after groups exists), read by every deletion.
    private final List<GroupDeletionStep> deletionSteps = new CopyOnWriteArrayList<>();

    public GroupService(Database db, GroupStore store, AuditTrail audit, Clock clock) {
        this.db = db;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** Runs {@code step} in every later deletion, before the group's row is deleted. */
    public void addDeletionStep(GroupDeletionStep step) {
        deletionSteps.add(step);
    }

    public GroupView create(Actor actor, GroupRequest req) {
        Instant now = clock.instant();
        GroupView g = validated(UUID.randomUUID(), req, now, now);
        return uniqueName(req, () -> db.inTransaction(c -> {
            store.insert(c, g);
            audit.record(c, actor, Change.created(Change.GROUP, g.id(), g));
            return g;
        }));
    }

    public GroupView update(Actor actor, UUID id, GroupRequest req) {
        return uniqueName(req, () -> db.inTransaction(c -> {
            GroupView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("group", id));
            GroupView g = validated(id, req, old.createdAt(), clock.instant());
            store.update(c, g);
            audit.record(c, actor, Change.updated(Change.GROUP, id, old, g));
            return g;
        }));
    }

    public GroupView get(UUID id) {
        return db.withConnection(c -> store.find(c, id)).orElseThrow(() -> ApiException.notFound("group", id));
    }

    public List<GroupView> list() {
        return db.withConnection(store::list);
    }

    public void delete(Actor actor, UUID id) {
        try {
            db.inTransaction(c -> {
                GroupView old = store.lock(c, id).orElseThrow(() -> ApiException.notFound("group", id));
                for (GroupDeletionStep step : deletionSteps) {
                    step.beforeDelete(c, actor, id);
                }
                if (!store.delete(c, id)) {
                    throw ApiException.notFound("group", id);
                }
                audit.record(c, actor, Change.deleted(Change.GROUP, id, old));
                return null;
            });
        } catch (DataAccessException e) {
            if (e.foreignKeyViolation()) {
                throw new ApiException(ErrorCode.IN_USE,
                        "group " + id + " still has targets, checks or probes; move or delete them first");
            }
            throw e;
        }
    }

    /** Throws unless {@code groupId} is null or names an existing group. */
    public void requireExists(java.sql.Connection c, UUID groupId) throws java.sql.SQLException {
        if (groupId != null && !store.exists(c, groupId)) {
            throw new ApiException(ErrorCode.UNKNOWN_GROUP, "group_id: group " + groupId + " does not exist");
        }
    }

    private static GroupView validated(UUID id, GroupRequest req, Instant created, Instant updated) {
        return new GroupView(id,
                Fields.required("name", req.name(), 128),
                req.description() == null ? "" : Fields.optional("description", req.description(), 1024),
                Fields.labels("labels", req.labels()),
                created, updated);
    }

    private static <T> T uniqueName(GroupRequest req, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (DataAccessException e) {
            if (e.uniqueViolation()) {
                throw new ApiException(ErrorCode.ALREADY_EXISTS, "a group named '" + req.name().trim() + "' already exists");
            }
            throw e;
        }
    }
}
