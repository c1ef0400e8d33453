package io.aami.server.policy;

import io.aami.server.groups.GroupService;
import io.aami.server.error.ApiException;
import io.aami.contract.ErrorCode;
import io.aami.server.targets.TargetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/** The scope every policy object (check, probe) has: global, one group, or one target. */
public final class PolicyScope {
    private PolicyScope() {
    }

    /** {@code global}, {@code group} or {@code target}; a 400 on field {@code scope} unless exactly one is given. */
    public static String of(UUID groupId, UUID targetId, Boolean global) {
        boolean isGlobal = Boolean.TRUE.equals(global);
        int given = (groupId != null ? 1 : 0) + (targetId != null ? 1 : 0) + (isGlobal ? 1 : 0);
        if (given != 1) {
            throw ApiException.invalid("scope", "give exactly one of group_id, target_id or \"global\": true");
        }
        return isGlobal ? "global" : groupId != null ? "group" : "target";
    }

    /** The group or target the scope names must exist (400 UNKNOWN_GROUP / UNKNOWN_TARGET). */
    public static void requireExists(Connection c, GroupService groups, TargetStore targets, UUID groupId, UUID targetId)
            throws SQLException {
        groups.requireExists(c, groupId);
        if (targetId != null && targets.find(c, targetId).isEmpty()) {
            throw new ApiException(ErrorCode.UNKNOWN_TARGET, "target_id: target " + targetId + " does not exist");
        }
    }
}
