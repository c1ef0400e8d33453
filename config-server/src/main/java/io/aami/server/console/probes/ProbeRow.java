package io.aami.server.console.probes;

import java.util.Map;
import java.util.UUID;

/** One probe as the probes list shows it, with how many of its latest results (source × destination) fail. */
public record ProbeRow(UUID id, String name, String protocol, String target, String targetGroupName, int targetPort,
                       int intervalSeconds, int timeoutMs, String scope, String groupName, String targetHostname,
                       Map<String, String> labels, boolean enabled, long failing) {
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
