package io.aami.server.policyscope;

import io.aami.server.error.ApiException;
import java.util.UUID;

/**
 * The scope every policy object (check, probe) has: global, one group, or one target. With
 * {@link PolicyChanges}, the low-level half of policy that the features owning policy objects
 * (targets, checks, probes, registration) use; {@code policy} reads those features, never the reverse.
 */
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
}
