package io.aami.agent.checks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The host's own veto over remotely defined scripts (Sensu's executable allow-list, Consul's lesson
 * about remote script checks): a check runs only if remote scripts are enabled, its interpreter is
 * allowed here, and — when the list is not empty — its script's SHA-256 is on the list. A signed
 * policy from the server does not override it.
 */
public record LocalScriptPolicy(boolean remoteScripts, List<String> allowedInterpreters, List<String> allowedScriptSha256) {
    /** Everything the executor supports, any script (for tests of the executor itself). */
    public static final LocalScriptPolicy PERMISSIVE = new LocalScriptPolicy(true, List.of("sh", "bash", "python3"), List.of());

    public LocalScriptPolicy {
        allowedInterpreters = List.copyOf(allowedInterpreters);
        allowedScriptSha256 = allowedScriptSha256.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** Why this host refuses the script, if it does. */
    Optional<String> refusal(String interpreter, String scriptSha256) {
        if (!remoteScripts) {
            return Optional.of("this agent does not run remotely defined scripts (checks.remote_scripts: false)");
        }
        if (!allowedInterpreters.contains(interpreter)) {
            return Optional.of("interpreter '" + interpreter + "' is not allowed on this host (checks.allowed_interpreters: "
                    + allowedInterpreters + ")");
        }
        if (!allowedScriptSha256.isEmpty() && !allowedScriptSha256.contains(scriptSha256.toLowerCase(Locale.ROOT))) {
            return Optional.of("script SHA-256 " + scriptSha256 + " is not on this host's checks.allowed_script_sha256 list");
        }
        return Optional.empty();
    }
}
