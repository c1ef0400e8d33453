package io.aami.server.console.checks;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * How many live (not revoked) targets run each check, by the policy's rule (enabled checks; global, the target's
 * group's and its own; one per name compared as {@code toLowerCase(Locale.ROOT)}, target beating group beating
 * global), worked out from the targets per group and the checks themselves: no query per check or per target.
 */
final class CheckReach {
    private final Map<UUID, Long> targetsByGroup;
    private final long total;
    /** Name → the groups with an enabled group check of that name. */
    private final Map<String, Set<UUID>> groupNames = new HashMap<>();
    /** Name → the groups (null for none) of the live targets with an enabled check of their own of that name. */
    private final Map<String, List<UUID>> ownNames = new HashMap<>();

    CheckReach(Map<UUID, Long> targetsByGroup, List<CheckRow> checks) {
        this.targetsByGroup = targetsByGroup;
        this.total = targetsByGroup.values().stream().mapToLong(Long::longValue).sum();
        for (CheckRow c : checks) {
            if (!c.enabled()) {
                continue;
            }
            if (c.scope().equals("group")) {
                groupNames.computeIfAbsent(key(c), k -> new HashSet<>()).add(c.groupId());
            } else if (c.scope().equals("target") && c.targetLive()) {
                ownNames.computeIfAbsent(key(c), k -> new java.util.ArrayList<>()).add(c.targetGroupId());
            }
        }
    }

    long appliesTo(CheckRow c) {
        if (!c.enabled()) {
            return 0;
        }
        List<UUID> own = ownNames.getOrDefault(key(c), List.of());
        return switch (c.scope()) {
            case "target" -> c.targetLive() ? 1 : 0;
            case "group" -> targetsByGroup.getOrDefault(c.groupId(), 0L) - own.stream().filter(g -> c.groupId().equals(g)).count();
            default -> {
                Set<UUID> groups = groupNames.getOrDefault(key(c), Set.of());
                long inGroups = groups.stream().mapToLong(g -> targetsByGroup.getOrDefault(g, 0L)).sum();
                yield total - inGroups - own.stream().filter(g -> g == null || !groups.contains(g)).count();
            }
        };
    }

    private static String key(CheckRow c) {
        return c.name().toLowerCase(Locale.ROOT);
    }
}
