package io.aami.server.console.probes;

import io.aami.server.console.Reach;
import java.util.Map;
import java.util.UUID;

/**
 * One probe as the probes list shows it: how many live targets run it ({@code appliesTo}, by the same rule as checks,
 * {@link Reach}) and how many of its latest results (source × destination) fail. {@code scopeGroupId} is its scope's
 * group; {@code ownerGroupId} and {@code ownerLive} are about its scope's target (not the destination's group).
 */
public record ProbeRow(UUID id, String name, String protocol, String target, String targetGroupName, int targetPort,
                       int intervalSeconds, int timeoutMs, String scope, String groupName, String targetHostname,
                       Map<String, String> labels, boolean enabled, long failing, UUID scopeGroupId, UUID ownerGroupId,
                       boolean ownerLive, long appliesTo) implements Reach.Scoped {
    ProbeRow counted(long applies, long failed) {
        return new ProbeRow(id, name, protocol, target, targetGroupName, targetPort, intervalSeconds, timeoutMs, scope, groupName,
                targetHostname, labels, enabled, failed, scopeGroupId, ownerGroupId, ownerLive, applies);
    }

    /** Where it probes: an address or host name, or every member of a group. */
    public String destinationText() {
        return target != null ? target : "group " + targetGroupName;
    }

    /** Where it runs: everyone, a group by name, a target by hostname. */
    public String scopeText() {
        return switch (scope) {
            case "global" -> "every target";
            case "group" -> "group " + groupName;
            default -> "target " + targetHostname;
        };
    }
}
