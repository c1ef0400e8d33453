package io.aami.server.console;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * How many live (not revoked) targets run each check or probe, by the policy's rule for both (enabled ones; global,
 * the target's group's and its own; one per name compared as {@code toLowerCase(Locale.ROOT)}, target beating group
 * beating global), worked out from the targets per group ({@link GroupSizes}) and the checks or probes themselves: no
 * query per row or per target.
 */
public final class Reach {
    /** A check or probe as far as where it runs goes. */
    public interface Scoped {
        String name();

        /** {@code global}, {@code group} or {@code target}. */
        String scope();

        boolean enabled();

        /** Its group, for scope {@code group}. */
        UUID scopeGroupId();

        /** Whether its target (scope {@code target}) exists and is not revoked. */
        boolean ownerLive();

        /** Its target's group (scope {@code target}; null for a target in no group). */
        UUID ownerGroupId();
    }

    private final Map<UUID, Long> targetsByGroup;
    private final long total;
    /** Name → the groups with an enabled group check of that name. */
    private final Map<String, Set<UUID>> groupNames = new HashMap<>();
    /** Name → the groups (null for none) of the live targets with an enabled check of their own of that name. */
    private final Map<String, List<UUID>> ownNames = new HashMap<>();

    public Reach(Map<UUID, Long> targetsByGroup, List<? extends Scoped> rows) {
        this.targetsByGroup = targetsByGroup;
        this.total = targetsByGroup.values().stream().mapToLong(Long::longValue).sum();
        for (Scoped c : rows) {
            if (!c.enabled()) {
                continue;
            }
            if (c.scope().equals("group")) {
                groupNames.computeIfAbsent(key(c), k -> new HashSet<>()).add(c.scopeGroupId());
            } else if (c.scope().equals("target") && c.ownerLive()) {
                ownNames.computeIfAbsent(key(c), k -> new java.util.ArrayList<>()).add(c.ownerGroupId());
            }
        }
    }

    public long appliesTo(Scoped c) {
        if (!c.enabled()) {
            return 0;
        }
        List<UUID> own = ownNames.getOrDefault(key(c), List.of());
        return switch (c.scope()) {
            case "target" -> c.ownerLive() ? 1 : 0;
            case "group" -> targetsByGroup.getOrDefault(c.scopeGroupId(), 0L)
                    - own.stream().filter(g -> c.scopeGroupId().equals(g)).count();
            default -> {
                Set<UUID> groups = groupNames.getOrDefault(key(c), Set.of());
                long inGroups = groups.stream().mapToLong(g -> targetsByGroup.getOrDefault(g, 0L)).sum();
                yield total - inGroups - own.stream().filter(g -> g == null || !groups.contains(g)).count();
            }
        };
    }

    private static String key(Scoped c) {
        return c.name().toLowerCase(Locale.ROOT);
    }
}
