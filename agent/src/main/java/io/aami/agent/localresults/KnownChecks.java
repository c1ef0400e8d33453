package io.aami.agent.localresults;

import io.aami.contract.policy.CheckSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The checks of the applied policy by id and by name, replaced whole by each bundle (read from API threads). */
final class KnownChecks {
    private record Index(Map<UUID, CheckSpec> byId, Map<String, CheckSpec> byName) {
    }

    private volatile Index index = new Index(Map.of(), Map.of());

    void apply(List<CheckSpec> checks) {
        Map<UUID, CheckSpec> byId = new HashMap<>();
        Map<String, CheckSpec> byName = new HashMap<>();
        for (CheckSpec spec : checks) {
            byId.put(spec.checkId(), spec);
            byName.put(spec.name(), spec);
        }
        index = new Index(Map.copyOf(byId), Map.copyOf(byName));
    }

    Optional<CheckSpec> byId(UUID id) {
        return Optional.ofNullable(index.byId().get(id));
    }

    Optional<CheckSpec> byName(String name) {
        return Optional.ofNullable(index.byName().get(name));
    }

    boolean empty() {
        return index.byId().isEmpty();
    }
}
