package io.aami.terraform.resources;

import io.aami.terraform.values.Attr;
import io.aami.terraform.values.Unknown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The plan of one resource from Terraform's proposed state (configuration over the prior state):
 * a create leaves computed attributes unknown; an update that changes an attribute marked
 * {@code forcesReplacement} is a replacement; an update leaves the attributes an update may change unknown;
 * a no-op is exactly the prior state, so nothing the agent reports ever shows as a diff.
 */
public final class Planner {
    private Planner() {
    }

    /** The planned state and the attributes that force a replacement. */
    public record Plan(Map<String, Object> planned, List<String> requiresReplace) {
    }

    public static Plan plan(ResourceType type, Map<String, Object> prior, Map<String, Object> proposed) {
        if (proposed == null) {
            return new Plan(null, List.of());
        }
        Map<String, Object> planned = new LinkedHashMap<>(type.schema().complete(proposed));
        if (prior == null) {
            unknownComputed(type, planned, true);
            return new Plan(planned, List.of());
        }
        List<String> replace = type.schema().attributes().stream()
                .filter(a -> a.replace() && !Objects.equals(prior.get(a.name()), planned.get(a.name())))
                .map(Attr::name).toList();
        if (!replace.isEmpty()) {
            unknownComputed(type, planned, false);
            return new Plan(planned, replace);
        }
        boolean changes = planned.keySet().stream().anyMatch(k -> !Objects.equals(prior.get(k), planned.get(k)));
        if (changes) {
            type.volatileOnUpdate().forEach(n -> planned.put(n, Unknown.VALUE));
        }
        return new Plan(planned, List.of());
    }

    /** Computed-only attributes become unknown; optional ones only when the operator left them out. */
    private static void unknownComputed(ResourceType type, Map<String, Object> planned, boolean create) {
        for (Attr a : type.schema().attributes()) {
            if (!a.computed()) {
                continue;
            }
            boolean operatorSet = (a.optional() || a.required()) && planned.get(a.name()) != null;
            if (!operatorSet && (create || !a.optional() || planned.get(a.name()) == null)) {
                planned.put(a.name(), Unknown.VALUE);
            }
        }
    }
}
