package io.aami.contract.checks;

import io.aami.contract.policy.ProcessMatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A check policy as the admin API returns it; {@code scope} is global, group or target.
 * {@code executionSha256} covers interpreter, script, args and env (see {@code ExecutionDigest} in
 * common): the value an agent's {@code checks.allowed_execution_sha256} lists to allow this check.
 * {@code kind} is one of {@link CheckKinds#ALL}; only a script check has interpreter, script and the two
 * digests, only a process check has {@code process}.
 */
public record CheckView(UUID id, String name, String description, String interpreter, String script, String scriptSha256,
                        String executionSha256, List<String> args, Map<String, String> env, int intervalSeconds,
                        int timeoutSeconds, String scope,
                        UUID groupId, UUID targetId, boolean global, Map<String, String> labels, boolean enabled,
                        Instant createdAt, Instant updatedAt, String kind, ProcessMatch process) {
    /** A script check. */
    public CheckView(UUID id, String name, String description, String interpreter, String script, String scriptSha256,
                     String executionSha256, List<String> args, Map<String, String> env, int intervalSeconds,
                     int timeoutSeconds, String scope, UUID groupId, UUID targetId, boolean global,
                     Map<String, String> labels, boolean enabled, Instant createdAt, Instant updatedAt) {
        this(id, name, description, interpreter, script, scriptSha256, executionSha256, args, env, intervalSeconds,
                timeoutSeconds, scope, groupId, targetId, global, labels, enabled, createdAt, updatedAt, CheckKinds.SCRIPT,
                null);
    }

    /** This check with {@code enabled} and {@code updatedAt} changed. */
    public CheckView withEnabled(boolean on, Instant updated) {
        return new CheckView(id, name, description, interpreter, script, scriptSha256, executionSha256, args, env,
                intervalSeconds, timeoutSeconds, scope, groupId, targetId, global, labels, on, createdAt, updated, kind,
                process);
    }
}
