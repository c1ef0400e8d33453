package io.aami.agent.checks;

import io.aami.common.policy.ExecutionDigest;
import io.aami.contract.policy.CheckSpec;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The host's own veto over remotely defined scripts (Sensu's executable allow-list, Consul's lesson
 * about remote script checks). A signed policy from the server does not override it.
 *
 * <ul>
 *   <li>The interpreter must be in {@code allowedInterpreters}, always.</li>
 *   <li>A check is <em>allow-listed</em> when its {@link ExecutionDigest} (interpreter, script, args
 *       and env) is in {@code allowedExecutionSha256}, or when it has no args and no env and its
 *       script's SHA-256 is in {@code allowedScriptSha256}. A script hash alone never allows new
 *       arguments or variables around that script: those change what it does ({@code BASH_ENV},
 *       {@code eval "$1"}).</li>
 *   <li>{@code remoteScripts} false: only allow-listed checks run. True: when both lists are empty
 *       any check runs, otherwise only allow-listed ones.</li>
 * </ul>
 * A refusal names the execution digest the agent computed, so the operator can add it after review.
 */
public record LocalScriptPolicy(boolean remoteScripts, List<String> allowedInterpreters, List<String> allowedScriptSha256,
                                List<String> allowedExecutionSha256) {
    public LocalScriptPolicy {
        allowedInterpreters = List.copyOf(allowedInterpreters);
        allowedScriptSha256 = lowerCase(allowedScriptSha256);
        allowedExecutionSha256 = lowerCase(allowedExecutionSha256);
    }

    /** Why this host refuses {@code spec} (normalized, its script already checked against its SHA-256), if it does. */
    Optional<String> refusal(CheckSpec spec) {
        if (!allowedInterpreters.contains(spec.interpreter())) {
            return Optional.of("interpreter '" + spec.interpreter() + "' is not allowed on this host (checks.allowed_interpreters: "
                    + allowedInterpreters + ")");
        }
        String execution = ExecutionDigest.of(spec);
        if (allowedExecutionSha256.contains(execution) || scriptAloneListed(spec)) {
            return Optional.empty();
        }
        if (!remoteScripts) {
            return Optional.of("this agent runs only locally allow-listed checks (checks.remote_scripts: false), and execution"
                    + " SHA-256 " + execution + " is not on checks.allowed_execution_sha256" + scriptHint(spec));
        }
        if (!allowedExecutionSha256.isEmpty() || !allowedScriptSha256.isEmpty()) {
            return Optional.of("execution SHA-256 " + execution + " (interpreter, script, args and env) is not on this host's"
                    + " checks.allowed_execution_sha256 list" + scriptHint(spec));
        }
        return Optional.empty();
    }

    private boolean scriptAloneListed(CheckSpec spec) {
        return spec.args().isEmpty() && spec.env().isEmpty()
                && allowedScriptSha256.contains(spec.scriptSha256().toLowerCase(Locale.ROOT));
    }

    /** Explains why a listed script hash did not allow the run, or says the script hash is not listed either. */
    private String scriptHint(CheckSpec spec) {
        String sha = spec.scriptSha256().toLowerCase(Locale.ROOT);
        if (allowedScriptSha256.contains(sha)) {
            return "; its script SHA-256 " + sha + " is on checks.allowed_script_sha256, but that allows the script only"
                    + " without args and env, and this check sets " + spec.args().size() + " arg(s) and "
                    + spec.env().size() + " env variable(s)";
        }
        return " (nor is its script SHA-256 " + sha + " on checks.allowed_script_sha256)";
    }

    private static List<String> lowerCase(List<String> hashes) {
        return hashes.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }
}
