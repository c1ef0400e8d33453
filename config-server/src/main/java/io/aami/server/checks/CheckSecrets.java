package io.aami.server.checks;

import io.aami.contract.checks.CheckView;
import io.aami.server.security.Principal;
import io.aami.server.security.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A check's {@code env} is where a PGPASSWORD or an API key usually goes: a caller below operator sees its names
 * with each value replaced by {@link #HIDDEN}, and no {@code execution_sha256} (a hash over those values, which
 * would confirm a guessed password offline); an operator (who may change the check, and so could read the value
 * through a script anyway) sees it whole. Scripts and args are not secrets (every agent in scope receives them).
 * The console's check pages show a check through this too.
 */
public final class CheckSecrets {
    public static final String HIDDEN = "***";

    private CheckSecrets() {
    }

    public static CheckView visibleTo(Principal caller, CheckView v) {
        if (caller.has(Role.OPERATOR) || v.env() == null || v.env().isEmpty()) {
            return v;
        }
        Map<String, String> hidden = new LinkedHashMap<>();
        v.env().keySet().forEach(k -> hidden.put(k, HIDDEN));
        return new CheckView(v.id(), v.name(), v.description(), v.interpreter(), v.script(), v.scriptSha256(), null,
                v.args(), hidden, v.intervalSeconds(), v.timeoutSeconds(), v.scope(), v.groupId(), v.targetId(), v.global(),
                v.labels(), v.enabled(), v.createdAt(), v.updatedAt(), v.kind(), v.process());
    }

    static List<CheckView> visibleTo(Principal caller, List<CheckView> views) {
        return views.stream().map(v -> visibleTo(caller, v)).toList();
    }
}
