package io.aami.server.checks;

import io.aami.server.validation.Fields;
import io.aami.common.policy.ExecutionDigest;
import io.aami.contract.checks.CheckEnvRules;
import io.aami.contract.checks.CheckKinds;
import io.aami.contract.checks.CheckRequest;
import io.aami.contract.checks.ProcessCheckRules;
import io.aami.contract.checks.CheckView;
import io.aami.contract.policy.ProcessMatch;
import io.aami.server.config.ServerConfig;
import io.aami.server.error.ApiException;
import io.aami.server.policyscope.PolicyScope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Turns a {@link CheckRequest} into a valid {@link CheckView} or a 400 naming the field; process matches by api-contract's {@link ProcessCheckRules}. */
final class CheckValidator {
    private static final int MAX_INTERVAL = io.aami.contract.rules.FieldRules.MAX_INTERVAL_SECONDS;

    private final ServerConfig.Checks limits;

    CheckValidator(ServerConfig.Checks limits) {
        this.limits = limits;
    }

    CheckView validated(UUID id, CheckRequest r, Instant created, Instant updated) {
        String name = Fields.required("name", r.name(), 128);
        String kind = kind(r.kind());
        int interval = required("interval_seconds", r.intervalSeconds());
        if (interval < 1 || interval > MAX_INTERVAL) {
            throw ApiException.invalid("interval_seconds", "must be between 1 and " + MAX_INTERVAL);
        }
        int timeout = timeout(kind, r.timeoutSeconds(), interval);
        String scope = PolicyScope.of(r.groupId(), r.targetId(), r.global());
        String description = r.description() == null ? "" : Fields.optional("description", r.description(), 1024);
        Map<String, String> labels = Fields.labels("labels", r.labels());
        boolean enabled = r.enabled() == null || r.enabled();
        if (!CheckKinds.SCRIPT.equals(kind)) {
            noScriptFields(kind, r);
            ProcessMatch process = CheckKinds.PROCESS.equals(kind) ? process(r.process()) : null;
            return new CheckView(id, name, description, null, null, null, null, List.of(), Map.of(), interval, timeout,
                    scope, r.groupId(), r.targetId(), "global".equals(scope), labels, enabled, created, updated, kind, process);
        }
        if (r.process() != null) {
            throw ApiException.invalid("process", ProcessCheckRules.ONLY_PROCESS_CHECKS);
        }
        String interpreter = Fields.required("interpreter", r.interpreter(), 64);
        if (!limits.interpreters().contains(interpreter)) {
            throw ApiException.invalid("interpreter", "'" + interpreter + "' is not allowed; use one of " + limits.interpreters());
        }
        String script = script(r.script());
        String scriptSha256 = sha256(script);
        List<String> args = args(r.args());
        Map<String, String> env = env(r.env());
        return new CheckView(id, name, description, interpreter, script, scriptSha256,
                ExecutionDigest.of(interpreter, scriptSha256, args, env), args, env, interval, timeout, scope,
                r.groupId(), r.targetId(), "global".equals(scope), labels, enabled, created, updated);
    }

    private static String kind(String kind) {
        if (kind != null && !CheckKinds.ALL.contains(kind)) {
            throw ApiException.invalid("kind", "must be one of " + CheckKinds.ALL);
        }
        return CheckKinds.of(kind);
    }

    /**
     * A script's run time bound; for a process or passive check, which have no run to time out, the grace the
     * staleness rule adds to its intervals (absent: the interval, at most a minute).
     */
    private static int timeout(String kind, Integer value, int interval) {
        if (value == null && !CheckKinds.SCRIPT.equals(kind)) {
            return Math.min(interval, 60);
        }
        int timeout = required("timeout_seconds", value);
        if (timeout <= 0 || timeout > interval) {
            throw ApiException.invalid("timeout_seconds", "must be more than 0 and at most interval_seconds (" + interval + ")");
        }
        return timeout;
    }

    /** A process or passive check runs no script: sending one is a mistake worth a 400, not a silent drop. */
    private static void noScriptFields(String kind, CheckRequest r) {
        String what = "a " + kind + " check has none (only kind: script runs one)";
        if (r.interpreter() != null) {
            throw ApiException.invalid("interpreter", what);
        }
        if (r.script() != null) {
            throw ApiException.invalid("script", what);
        }
        if (r.args() != null && !r.args().isEmpty()) {
            throw ApiException.invalid("args", what);
        }
        if (r.env() != null && !r.env().isEmpty()) {
            throw ApiException.invalid("env", what);
        }
        if (CheckKinds.PASSIVE.equals(kind) && r.process() != null) {
            throw ApiException.invalid("process", ProcessCheckRules.ONLY_PROCESS_CHECKS);
        }
    }

    private static ProcessMatch process(Map<String, Object> process) {
        ProcessCheckRules.Result r = ProcessCheckRules.check(process);
        if (!r.valid()) {
            throw ApiException.invalid(r.field(), r.problem());
        }
        return r.match();
    }

    static String sha256(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String script(String script) {
        if (script == null || script.isBlank()) {
            throw ApiException.invalid("script", "is required");
        }
        int bytes = script.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxScriptBytes()) {
            throw ApiException.invalid("script", "is " + bytes + " bytes; at most " + limits.maxScriptBytes() + " are allowed");
        }
        if (script.indexOf('\0') >= 0) {
            throw ApiException.invalid("script", "must not contain NUL characters");
        }
        return script;
    }

    private static List<String> args(List<String> args) {
        if (args == null) {
            return List.of();
        }
        if (args.size() > 64 || args.stream().anyMatch(a -> a == null || a.length() > 1024 || a.indexOf('\0') >= 0)) {
            throw ApiException.invalid("args", "at most 64 arguments of at most 1024 characters, no NUL");
        }
        return List.copyOf(args);
    }

    /** {@link CheckEnvRules}: a malformed or forbidden variable is a 400 naming it ({@code env.LD_PRELOAD}). */
    private static Map<String, String> env(Map<String, String> env) {
        if (env == null) {
            return Map.of();
        }
        if (env.size() > CheckEnvRules.MAX_VARIABLES) {
            throw ApiException.invalid("env", "at most " + CheckEnvRules.MAX_VARIABLES + " variables");
        }
        env.forEach((k, v) -> {
            String problem = CheckEnvRules.problem(k, v);
            if (problem != null) {
                throw ApiException.invalid(envField(k), "'" + printable(k) + "' " + problem);
            }
        });
        return new TreeMap<>(env);
    }

    /** {@code env.NAME}, or just {@code env} when the name itself cannot be shown safely. */
    private static String envField(String name) {
        return name != null && !name.isEmpty() && name.equals(printable(name)) ? "env." + name : "env";
    }

    /** The name cut to its first 128 characters, controls shown as '?'. */
    private static String printable(String name) {
        if (name == null) {
            return "null";
        }
        String cut = name.length() > CheckEnvRules.MAX_NAME_CHARS ? name.substring(0, CheckEnvRules.MAX_NAME_CHARS) : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static int required(String field, Integer value) {
        if (value == null) {
            throw ApiException.invalid(field, "is required");
        }
        return value;
    }
}
