package io.aami.contract.checks;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@code POST /api/v1/checks} and {@code PUT /api/v1/checks/{id}} (full body). The scope is
 * exactly one of {@code group_id}, {@code target_id} or {@code "global": true}.
 */
public record CheckRequest(String name, String description, String interpreter, String script, List<String> args,
                           Map<String, String> env, Integer intervalSeconds, Integer timeoutSeconds, UUID groupId,
                           UUID targetId, Boolean global, Map<String, String> labels, Boolean enabled) {
}
