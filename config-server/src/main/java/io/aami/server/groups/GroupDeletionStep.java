package io.aami.server.groups;

import io.aami.server.audit.Actor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * What another feature does inside a group's deletion, before the group's row goes: remove (and audit) what
 * belongs to the group and can be thrown away, or refuse with an {@link io.aami.server.error.ApiException}.
 * The feature that owns the rows implements it, so {@code groups} depends on no feature (no package cycle).
 * Runs in the deletion's transaction with the group's row locked: a refusal rolls every step back.
 */
@FunctionalInterface
public interface GroupDeletionStep {
    void beforeDelete(Connection c, Actor actor, UUID groupId) throws SQLException;
}
