package io.aami.agent.checks;

import io.aami.contract.checks.CheckKinds;
import io.aami.contract.checks.ProcessCheckRules;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.policy.ProcessMatch;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Validation of check specs as they arrive in a policy. Structural faults (no id, interval below one
 * second, a NUL byte in an argument) are the policy's fault and rejected with a message naming the
 * check and field; script-level faults (unknown interpreter, hash mismatch) are left to the executor,
 * which reports them as an unknown result.
 */
final class CheckSpecs {
    private CheckSpecs() {
    }

    /** Validates every spec and that ids are unique; returns them with absent args/env/labels as empty. */
    static List<CheckSpec> normalizeAll(List<CheckSpec> specs) {
        if (specs == null) {
            throw new IllegalArgumentException("checks must not be null");
        }
        Set<UUID> seen = new HashSet<>();
        for (CheckSpec spec : specs) {
            if (spec != null && spec.checkId() != null && !seen.add(spec.checkId())) {
                throw new IllegalArgumentException("check " + spec.checkId() + " appears twice in the policy");
            }
        }
        return specs.stream().map(CheckSpecs::normalize).toList();
    }

    /** Validates {@code spec}; returns it with absent (null) args, env and labels as empty. */
    static CheckSpec normalize(CheckSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("a check in the policy is null");
        }
        if (spec.checkId() == null) {
            throw new IllegalArgumentException("check '" + spec.name() + "': check_id is missing");
        }
        String id = "check " + spec.checkId() + ": ";
        require(spec.intervalSeconds() >= 1, id + "interval_seconds must be at least 1, got " + spec.intervalSeconds());
        require(spec.timeoutSeconds() >= 1, id + "timeout_seconds must be at least 1, got " + spec.timeoutSeconds());
        if (spec.kind() != null) {
            return otherKind(spec, id);
        }
        require(spec.process() == null, id + "only a process check has a process match");
        require(spec.interpreter() != null, id + "interpreter is missing");
        require(spec.script() != null, id + "script is missing");
        require(spec.scriptSha256() != null, id + "script_sha256 is missing");
        List<String> args = spec.args() == null ? List.of() : spec.args();
        for (int i = 0; i < args.size(); i++) {
            require(args.get(i) != null && args.get(i).indexOf('\0') < 0, id + "args[" + i + "] is null or has a NUL byte");
        }
        Map<String, String> env = spec.env() == null ? Map.of() : spec.env();
        env.forEach((key, value) -> {
            require(key != null && !key.isEmpty() && key.indexOf('=') < 0 && key.indexOf('\0') < 0,
                    id + "env has an invalid variable name '" + key + "'");
            require(value != null && value.indexOf('\0') < 0, id + "env " + key + " is null or has a NUL byte");
        });
        Map<String, String> labels = spec.labels() == null ? Map.of() : spec.labels();
        return new CheckSpec(spec.checkId(), spec.name(), spec.interpreter(), spec.script(), spec.scriptSha256(),
                List.copyOf(args), Map.copyOf(env), spec.intervalSeconds(), spec.timeoutSeconds(), labels);
    }

    /**
     * A process or passive check: no script fields (a policy that mixes them is not the server's), a process
     * check's match within {@link ProcessCheckRules}; an unknown kind refuses the whole policy, like any
     * other fault, rather than running something the policy did not mean.
     */
    private static CheckSpec otherKind(CheckSpec spec, String id) {
        require(CheckKinds.PROCESS.equals(spec.kind()) || CheckKinds.PASSIVE.equals(spec.kind()),
                id + "kind '" + spec.kind() + "' is not known to this agent (known: " + CheckKinds.ALL + ")");
        require(spec.interpreter() == null && spec.script() == null && spec.scriptSha256() == null,
                id + "a " + spec.kind() + " check has no interpreter or script");
        require((spec.args() == null || spec.args().isEmpty()) && (spec.env() == null || spec.env().isEmpty()),
                id + "a " + spec.kind() + " check has no args or env");
        if (CheckKinds.PROCESS.equals(spec.kind())) {
            require(spec.process() != null, id + "process is missing");
            ProcessMatch p = spec.process();
            for (String regex : new String[] {p.nameRegex(), p.exeRegex(), p.cmdlineRegex()}) {
                require(regex == null || regex.length() <= ProcessCheckRules.MAX_REGEX_CHARS,
                        id + "a process regex is longer than " + ProcessCheckRules.MAX_REGEX_CHARS + " characters");
            }
            require(p.nameRegex() != null || p.exeRegex() != null || p.cmdlineRegex() != null || p.user() != null,
                    id + "process names no name_regex, exe_regex, cmdline_regex or user");
        } else {
            require(spec.process() == null, id + "only a process check has a process match");
        }
        Map<String, String> labels = spec.labels() == null ? Map.of() : spec.labels();
        return new CheckSpec(spec.checkId(), spec.name(), null, null, null, List.of(), Map.of(), spec.intervalSeconds(),
                spec.timeoutSeconds(), labels, spec.kind(), spec.process());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
