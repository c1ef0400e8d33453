package io.aami.contract.checks;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /api/v1/checks} and {@code PUT /api/v1/checks/{id}} (full body). The scope is
 * exactly one of {@code group_id}, {@code target_id} or {@code "global": true}. {@code kind} is one of
 * {@link CheckKinds#ALL} (absent: script); {@code process} (a process check's match, keys in
 * {@link ProcessCheckRules#KEYS}) is read as a plain map so an unknown key is refused by name.
 */
public record CheckRequest(String name, String description, String interpreter, String script, List<String> args,
                           Map<String, String> env, Integer intervalSeconds, Integer timeoutSeconds, UUID groupId,
                           UUID targetId, Boolean global, Map<String, String> labels, Boolean enabled, String kind,
                           Map<String, Object> process) {
    /** A script check. */
    public CheckRequest(String name, String description, String interpreter, String script, List<String> args,
                        Map<String, String> env, Integer intervalSeconds, Integer timeoutSeconds, UUID groupId,
                        UUID targetId, Boolean global, Map<String, String> labels, Boolean enabled) {
        this(name, description, interpreter, script, args, env, intervalSeconds, timeoutSeconds, groupId, targetId, global,
                labels, enabled, null, null);
    }
}
