package io.aami.contract.checks;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A check policy as the admin API returns it; {@code scope} is global, group or target.
 * {@code executionSha256} covers interpreter, script, args and env (see {@code ExecutionDigest} in
 * common): the value an agent's {@code checks.allowed_execution_sha256} lists to allow this check.
 */
public record CheckView(UUID id, String name, String description, String interpreter, String script, String scriptSha256,
                        String executionSha256, List<String> args, Map<String, String> env, int intervalSeconds,
                        int timeoutSeconds, String scope,
                        UUID groupId, UUID targetId, boolean global, Map<String, String> labels, boolean enabled,
                        Instant createdAt, Instant updatedAt) {
}
