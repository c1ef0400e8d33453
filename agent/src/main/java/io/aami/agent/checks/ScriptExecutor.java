package io.aami.agent.checks;

import io.aami.contract.checks.CheckEnvRules;
import io.aami.contract.checks.CheckStatus;
import io.aami.contract.policy.CheckSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one check script in the {@link Sandbox} and reports what happened as a {@link CheckExecution};
 * a failing, hanging or unrunnable script is a result (status unknown with an explanatory output),
 * never an exception.
 *
 * <p>The script is stored as {@code <workDir>/scripts/<sha256>.<ext>} and run only if its content
 * matches the policy's {@code script_sha256}. It runs as {@code interpreter script args…} in
 * {@code <workDir>/work/<checkId>} with stdin from /dev/null and a clean environment: {@link #PATH},
 * {@code LANG=C.UTF-8}, {@code HOME} = the work dir, plus the check's own env, never the agent's
 * (it may hold secrets). A check whose env sets a variable {@link CheckEnvRules} forbids (loader,
 * shell and interpreter start-up hooks, {@code PATH}, {@code HOME}) does not run at all: the server
 * refuses such checks, so a signed policy carrying one comes from an older or a hostile server, and
 * running the script without the variables would run something its author did not write. Exit 0/1/2 map to ok/warning/critical, anything else, signals included,
 * to unknown. At the timeout the whole process group is killed; after a normal exit too, so nothing
 * the script started outlives the run. Output is stdout and stderr merged, the first
 * {@code outputMaxBytes} kept.
 */
public final class ScriptExecutor {
    /** Where interpreters are looked up: the directories of {@link #PATH}, never the agent's own PATH. */
    public static final List<Path> INTERPRETER_DIRS = SystemTools.SYSTEM_DIRS;
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Logger LOG = LoggerFactory.getLogger(ScriptExecutor.class);

    private final Sandbox sandbox;
    private final Clock clock;
    private final ScriptStore store;
    private final ProcessRun processRun;
    private final List<Path> interpreterDirs;
    private final LocalScriptPolicy localPolicy;

    /**
     * Prepares {@code <workDir>/scripts} and {@code <workDir>/work} for the sandbox's user.
     *
     * @param outputMaxBytes  how much of a run's output is kept
     * @param interpreterDirs where interpreters are looked up: {@link #INTERPRETER_DIRS}
     * @param localPolicy     what this host allows whatever the server says
     * @throws IllegalArgumentException for an output cap below 1
     * @throws IllegalStateException    when the run-as user cannot reach the checks work dir
     * @throws UncheckedIOException     when the directories cannot be created
     */
    public ScriptExecutor(Path workDir, Sandbox sandbox, int outputMaxBytes, Clock clock, List<Path> interpreterDirs,
                          LocalScriptPolicy localPolicy) {
        this.localPolicy = Objects.requireNonNull(localPolicy, "localPolicy");
        Objects.requireNonNull(workDir, "workDir");
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.interpreterDirs = List.copyOf(interpreterDirs);
        if (outputMaxBytes < 1) {
            throw new IllegalArgumentException("outputMaxBytes must be at least 1, got " + outputMaxBytes);
        }
        try {
            this.store = new ScriptStore(workDir, sandbox.runAs().orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare check directories under " + workDir, e);
        }
        this.processRun = new ProcessRun(new ProcessGroupKiller(sandbox.killTool()), sandbox.ownProcessGroup(),
                outputMaxBytes);
    }

    /**
     * Runs {@code spec} once, blocking for at most about its timeout.
     *
     * @throws IllegalArgumentException when the spec is structurally invalid (see the check scheduler)
     * @throws InterruptedException when interrupted (the agent is stopping); the script's processes are
     *                              killed before this is thrown and no result is produced
     */
    public CheckExecution execute(CheckSpec checkSpec) throws InterruptedException {
        CheckSpec spec = CheckSpecs.normalize(checkSpec);
        Instant executedAt = clock.instant();
        long started = System.nanoTime();
        List<String> forbidden = refusedEnvNames(spec.env());
        if (!forbidden.isEmpty()) {
            // At most 10 names: a hostile policy's list must not outgrow the result's output and spool record.
            String names = forbidden.size() <= 10 ? forbidden.toString()
                    : forbidden.subList(0, 10) + " and " + (forbidden.size() - 10) + " more";
            return refused(spec, executedAt, started, Refusal.FORBIDDEN_ENV, "check not run: its env sets " + names
                    + ", which no check may set (loader, shell or interpreter start-up hooks, variables the agent sets,"
                    + " or malformed names); the server that signed this policy is older or not to be trusted");
        }
        Interpreter interpreter = Interpreter.named(spec.interpreter()).orElse(null);
        if (interpreter == null) {
            return refused(spec, executedAt, started, Refusal.INTERPRETER, "unsupported interpreter '" + abbreviate(spec.interpreter())
                    + "' (supported: " + Interpreter.supported() + ")");
        }
        Path interpreterPath = interpreter.locate(interpreterDirs).orElse(null);
        if (interpreterPath == null) {
            return refused(spec, executedAt, started, Refusal.INTERPRETER, "interpreter '" + interpreter.command
                    + "' is not installed on this host (looked in " + PATH + ")");
        }
        byte[] content = spec.script().getBytes(StandardCharsets.UTF_8);
        String actualSha = ScriptStore.sha256Hex(content);
        if (!actualSha.equalsIgnoreCase(spec.scriptSha256())) {
            return refused(spec, executedAt, started, Refusal.SCRIPT_DIGEST, "script not run: its content has SHA-256 " + actualSha
                    + " but the policy says " + spec.scriptSha256());
        }
        var vetoed = localPolicy.refusal(spec);
        if (vetoed.isPresent()) {
            return refused(spec, executedAt, started, Refusal.LOCAL_POLICY, "script not run: " + vetoed.get());
        }
        try {
            ScriptStore.RunFiles files = store.forRun(content, actualSha, interpreter, spec.checkId());
            Path script = files.script();
            Path workDir = files.workDir();
            try (RunCgroup cgroup = sandbox.newRun()) {
                List<String> command = sandbox.command(cgroup, spec.timeoutSeconds(), interpreterPath, script,
                        spec.args(), environment(spec, workDir));
                ProcessRun.Outcome outcome = processRun.run(command, cgroup, workDir,
                        Duration.ofSeconds(spec.timeoutSeconds()));
                return finished(spec, executedAt, started, outcome);
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("check {} could not run: {}", spec.checkId(), e.toString());
            return refused(spec, executedAt, started, "check could not run: " + e.getMessage());
        }
    }

    /** Releases what runs share (the run cgroups kept for reuse); call once no run is going any more. */
    void close() {
        sandbox.close();
    }

    /** How runs are contained: {@code cgroup-v2}, {@code cgroup-v1} or {@code rlimit}. */
    String containmentMode() {
        return sandbox.containmentMode();
    }

    /** Deletes the stored script files that none of {@code current} runs; a failure is logged, not thrown. */
    void retainScriptsOf(Collection<CheckSpec> current) {
        Set<String> keep = current.stream()
                .map(spec -> ScriptStore.sha256Hex(spec.script().getBytes(StandardCharsets.UTF_8)))
                .collect(Collectors.toSet());
        try {
            int deleted = store.retainOnly(keep);
            if (deleted > 0) {
                LOG.info("deleted {} script file(s) no check uses any more", deleted);
            }
        } catch (IOException e) {
            LOG.warn("could not clean up old script files: {}", e.toString());
        }
    }

    /**
     * The script's entire environment: nothing of the agent's own, and none of the check's variables
     * that {@link CheckEnvRules} refuses (a second line of defence: {@link #execute} does not run
     * such a check at all).
     */
    static Map<String, String> environment(CheckSpec spec, Path workDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
        env.put("HOME", workDir.toString());
        spec.env().forEach((name, value) -> {
            if (CheckEnvRules.problem(name, value) == null) {
                env.put(name, value);
            }
        });
        return env;
    }

    /** The names in {@code env} that {@link CheckEnvRules} refuses, sorted, shown printable and abbreviated. */
    static List<String> refusedEnvNames(Map<String, String> env) {
        return env.entrySet().stream()
                .filter(e -> CheckEnvRules.problem(e.getKey(), e.getValue()) != null)
                .map(e -> abbreviate(e.getKey().replaceAll("\\p{Cntrl}", "?")))
                .sorted()
                .toList();
    }

    private CheckExecution finished(CheckSpec spec, Instant executedAt, long started, ProcessRun.Outcome outcome) {
        String status = CheckStatus.UNKNOWN.wire();
        if (outcome.timedOut()) {
            LOG.warn("check {} ({}) timed out after {}s; its processes were killed", spec.checkId(), spec.name(),
                    spec.timeoutSeconds());
        } else {
            status = CheckStatus.forExitCode(outcome.exitCode()).wire();
        }
        return new CheckExecution(spec.checkId(), status, outcome.exitCode(), outcome.output(), outcome.truncated(),
                outcome.timedOut(), elapsedMs(started), executedAt);
    }

    /** A run that could not start (work dir, script file, fork). */
    private CheckExecution refused(CheckSpec spec, Instant executedAt, long started, String reason) {
        return refused(spec, executedAt, started, Refusal.START_FAILED, reason);
    }

    private CheckExecution refused(CheckSpec spec, Instant executedAt, long started, Refusal why, String reason) {
        LOG.warn("check {} ({}) not run: {}", spec.checkId(), spec.name(), reason);
        return new CheckExecution(spec.checkId(), CheckStatus.UNKNOWN.wire(), null, reason, false, false,
                elapsedMs(started), executedAt, why.label);
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
