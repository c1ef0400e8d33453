package io.aami.server.console.checks;

import io.aami.server.console.Reach;
import java.util.Map;
import java.util.UUID;

/**
 * One check as the checks list shows it (no script: the list never reads the scripts), with how many live targets
 * run it ({@code appliesTo}) and how many of those report a failing latest result ({@code failing}).
 */
public record CheckRow(UUID id, String name, String interpreter, int intervalSeconds, int timeoutSeconds, String scope,
                       UUID groupId, String groupName, UUID targetId, String targetHostname, UUID targetGroupId,
                       boolean targetLive, Map<String, String> labels, boolean enabled, long appliesTo, long failing)
        implements Reach.Scoped {
    @Override
    public UUID scopeGroupId() {
        return groupId;
    }

    @Override
    public boolean ownerLive() {
        return targetLive;
    }

    @Override
    public UUID ownerGroupId() {
        return targetGroupId;
    }


    CheckRow counted(long applies, long failed) {
        return new CheckRow(id, name, interpreter, intervalSeconds, timeoutSeconds, scope, groupId, groupName, targetId,
                targetHostname, targetGroupId, targetLive, labels, enabled, applies, failed);
    }

    /** Where the check applies, in words: everyone, a group by name, a target by hostname. */
    public String scopeText() {
        return switch (scope) {
            case "global" -> "every target";
            case "group" -> "group " + (groupName == null ? groupId : groupName);
            default -> "target " + (targetHostname == null ? targetId : targetHostname);
        };
    }
}
