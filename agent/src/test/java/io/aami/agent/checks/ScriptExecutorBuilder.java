package io.aami.agent.checks;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A {@link ScriptExecutor} for tests, with the defaults they share unless a test sets its own: scripts
 * run as {@code nobody} under {@link ScriptLimits#DEFAULTS} with {@code auto} containment, 4096 bytes
 * of output are kept, the system clock, the production interpreter directories and the
 * {@link #PERMISSIVE permissive} local policy.
 * <pre>{@code ScriptExecutor executor = ScriptExecutorBuilder.in(stateDir).containment("rlimit").build();}</pre>
 */
final class ScriptExecutorBuilder {
    /** Everything the executor supports, any script: the local policy of tests of the executor itself. */
    static final LocalScriptPolicy PERMISSIVE = new LocalScriptPolicy(true, List.of("sh", "bash", "python3"), List.of(),
            List.of());
    private static final int OUTPUT_MAX_BYTES = 4096;

    private final Path workDir;
    private Sandbox sandbox;
    private String containment = "auto";
    private Path runHelper;
    private Clock clock = Clock.systemUTC();
    private List<Path> interpreterDirs = ScriptExecutor.INTERPRETER_DIRS;
    private LocalScriptPolicy localPolicy = PERMISSIVE;

    private ScriptExecutorBuilder(Path workDir) {
        this.workDir = workDir;
    }

    /** An executor whose scripts and work dirs live under {@code workDir}. */
    static ScriptExecutorBuilder in(Path workDir) {
        return new ScriptExecutorBuilder(workDir);
    }

    /** This sandbox instead of one created for {@code nobody}; {@link #containment} is then ignored. */
    ScriptExecutorBuilder sandbox(Sandbox sandbox) {
        this.sandbox = sandbox;
        return this;
    }

    /** The {@code checks.containment} mode of the sandbox created for {@code nobody}. */
    ScriptExecutorBuilder containment(String mode) {
        this.containment = mode;
        return this;
    }

    /** {@code checks.run_helper} of the sandbox created for {@code nobody}: none (the chain) unless set. */
    ScriptExecutorBuilder runHelper(Path helper) {
        this.runHelper = helper;
        return this;
    }

    ScriptExecutorBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    ScriptExecutorBuilder interpreterDirs(List<Path> dirs) {
        this.interpreterDirs = dirs;
        return this;
    }

    ScriptExecutorBuilder localPolicy(LocalScriptPolicy policy) {
        this.localPolicy = policy;
        return this;
    }

    ScriptExecutor build() {
        Sandbox s = sandbox != null ? sandbox : Sandbox.create("nobody", ScriptLimits.DEFAULTS, containment, runHelper);
        return new ScriptExecutor(workDir, s, OUTPUT_MAX_BYTES, clock, interpreterDirs, localPolicy);
    }
}
