package io.aami.server.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The policy's assignment rule (policy.PolicyContent: enabled checks, global, the target's group's and its own, one
 * per name compared as {@code toLowerCase(Locale.ROOT)}, target beating group beating global) applied in memory to
 * the enabled check definitions. Worked out once per group, not per target: the targets of a group share one list
 * unless they have checks of their own (few do), so a fleet of 1,000 targets × 100 group checks costs 100 list
 * entries rather than the 100,000-row join PostgreSQL made of it (which dominated the render).
 */
final class CheckAssignment {
    /** One enabled check; {@code groupId} for scope group, {@code targetId} for scope target, else null. */
    record Check(String id, String name, String scope, String groupId, String targetId, int intervalSeconds,
                 int timeoutSeconds) {
        String key() {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    private final List<Check> global = new ArrayList<>();
    private final Map<String, List<Check>> byGroup = new HashMap<>();
    private final Map<String, List<Check>> byTarget = new HashMap<>();
    private final Map<String, List<Check>> groupLists = new HashMap<>();

    CheckAssignment(Iterable<Check> enabled) {
        for (Check k : enabled) {
            switch (k.scope()) {
                case "global" -> global.add(k);
                case "group" -> byGroup.computeIfAbsent(k.groupId(), g -> new ArrayList<>()).add(k);
                case "target" -> byTarget.computeIfAbsent(k.targetId(), t -> new ArrayList<>()).add(k);
                default -> throw new IllegalStateException("unknown check scope " + k.scope());
            }
        }
    }

    /** The checks a (not revoked) target runs; {@code groupId} null for a target in no group. Do not modify. */
    List<Check> of(String targetId, String groupId) {
        List<Check> group = groupLists.computeIfAbsent(groupId == null ? "" : groupId, g -> overlay(byGroup.get(groupId), global));
        List<Check> own = byTarget.get(targetId);
        return own == null ? group : overlay(own, group);
    }

    /** {@code top}, then each of {@code below} whose name {@code top} does not have. */
    private static List<Check> overlay(List<Check> top, List<Check> below) {
        if (top == null || top.isEmpty()) {
            return below;
        }
        Set<String> names = new HashSet<>();
        List<Check> out = new ArrayList<>(top.size() + below.size());
        for (Check k : top) {
            if (names.add(k.key())) {
                out.add(k);
            }
        }
        for (Check k : below) {
            if (!names.contains(k.key())) {
                out.add(k);
            }
        }
        return out;
    }
}
