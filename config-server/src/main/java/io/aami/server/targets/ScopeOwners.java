package io.aami.server.targets;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.aami.server.groups.GroupService;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/** The group or target a policy object's scope names must exist (400 UNKNOWN_GROUP / UNKNOWN_TARGET). */
public final class ScopeOwners {
    private ScopeOwners() {
    }

    public static void requireExists(Connection c, GroupService groups, TargetStore targets, UUID groupId, UUID targetId)
            throws SQLException {
        groups.requireExists(c, groupId);
        if (targetId != null && targets.find(c, targetId).isEmpty()) {
            throw new ApiException(ErrorCode.UNKNOWN_TARGET, "target_id: target " + targetId + " does not exist");
        }
    }
}
