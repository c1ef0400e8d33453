package io.aami.contract.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One check as an agent receives it in its policy bundle. {@code kind} is null for a script check (the
 * form every agent knows), else {@code process} or {@code passive} (see {@code CheckKinds}); {@code process}
 * is set for a process check only. Both are left out of the JSON when absent, so a script check's wire form
 * (and the server's content hash over it) is what it was before kinds.
 */
public record CheckSpec(UUID checkId, String name, String interpreter, String script, String scriptSha256,
                        List<String> args, Map<String, String> env, int intervalSeconds, int timeoutSeconds,
                        Map<String, String> labels, @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
                        @JsonInclude(JsonInclude.Include.NON_NULL) ProcessMatch process) {
    /** A script check. */
    public CheckSpec(UUID checkId, String name, String interpreter, String script, String scriptSha256,
                     List<String> args, Map<String, String> env, int intervalSeconds, int timeoutSeconds,
                     Map<String, String> labels) {
        this(checkId, name, interpreter, script, scriptSha256, args, env, intervalSeconds, timeoutSeconds, labels, null,
                null);
    }
}
