package io.aami.agent.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How check scripts are confined. Every script runs as
 * {@code setsid -- prlimit --cpu --as --nofile [--nproc] -- [setpriv --reuid --regid --init-groups --]
 * interpreter script args…}:
 * <ul>
 *   <li>{@code setsid}: its own session and process group, so the whole tree can be found and killed;</li>
 *   <li>{@code prlimit}: the {@link ScriptLimits};</li>
 *   <li>{@code setpriv}: only when the agent runs as root, drops to the unprivileged run-as user. A
 *       missing run-as user is a startup error, never a silent fallback to root. When the agent is not
 *       root, scripts run as the agent's own user.</li>
 * </ul>
 * The clean environment is the executor's job. Build one with {@link #create} at startup.
 */
public final class Sandbox {
    public static final String DEFAULT_RUN_AS = "aami";
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    private final RunAsUser runAs;
    private final ScriptLimits limits;
    private final SystemTools tools;

    Sandbox(RunAsUser runAs, ScriptLimits limits, SystemTools tools) {
        this.runAs = runAs;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /**
     * Checks the host can sandbox scripts and resolves {@code runAs} when the agent is root.
     *
     * @throws IllegalArgumentException for a malformed user name
     * @throws IllegalStateException    when the user does not exist or is root, or prlimit (always) or
     *                                  setpriv (when root) is not installed
     */
    public static Sandbox create(String runAs, ScriptLimits limits) {
        return create(runAs, limits, SystemTools.detect(), effectiveUid());
    }

    static Sandbox create(String runAs, ScriptLimits limits, SystemTools tools, long effectiveUid) {
        RunAsUser.requireValidName(runAs);
        Objects.requireNonNull(limits, "limits");
        if (tools.prlimit() == null) {
            throw new IllegalStateException("util-linux prlimit is required to limit check scripts; install util-linux");
        }
        if (tools.setsid() == null) {
            LOG.warn("util-linux setsid not found: left-behind script processes are found through the process tree"
                    + " only, which misses orphans");
        }
        if (effectiveUid != 0) {
            LOG.info("agent runs as uid {}: check scripts run as the same user, run_as '{}' does not apply",
                    effectiveUid, runAs);
            return new Sandbox(null, limits, tools);
        }
        if (tools.setpriv() == null) {
            throw new IllegalStateException("the agent runs as root and util-linux setpriv, needed to run check"
                    + " scripts as '" + runAs + "', is not installed");
        }
        RunAsUser user = RunAsUser.resolve(runAs, tools.id());
        LOG.info("check scripts run as {} (uid {}, gid {}) with {}", user.name(), user.uid(), user.gid(), limits);
        return new Sandbox(user, limits, tools);
    }

    /** The full command line for one run. */
    List<String> command(int timeoutSeconds, Path interpreter, Path script, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (tools.setsid() != null) {
            cmd.add(tools.setsid().toString());
            cmd.add("--");
        }
        cmd.add(tools.prlimit().toString());
        cmd.add("--cpu=" + limits.cpuSecondsFor(timeoutSeconds));
        cmd.add("--as=" + limits.addressSpaceBytes());
        cmd.add("--nofile=" + limits.openFiles());
        if (runAs != null) {
            cmd.add("--nproc=" + limits.processes());
        }
        cmd.add("--");
        if (runAs != null) {
            cmd.add(tools.setpriv().toString());
            cmd.add("--reuid=" + runAs.uid());
            cmd.add("--regid=" + runAs.gid());
            cmd.add("--init-groups");
            cmd.add("--");
        }
        cmd.add(interpreter.toString());
        cmd.add(script.toString());
        cmd.addAll(args);
        return cmd;
    }

    /** The user scripts switch to; empty when they run as the agent's own user. */
    Optional<RunAsUser> runAs() {
        return Optional.ofNullable(runAs);
    }

    /** True when each script leads its own process group, whose id is the pid the agent started. */
    boolean ownProcessGroup() {
        return tools.setsid() != null;
    }

    /** kill(1), to signal a whole process group at once; null when not installed. */
    Path killTool() {
        return tools.kill();
    }

    /** The effective uid of this process, from /proc/self/status ("Uid: real effective saved fs"). */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
            throw new IllegalStateException("/proc/self/status has no Uid line");
        } catch (IOException e) {
            throw new IllegalStateException("check execution needs Linux /proc: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return runAs == null ? "Sandbox[agent's own user, " + limits + "]"
                : "Sandbox[" + runAs.name() + " uid " + runAs.uid() + ", " + limits + "]";
    }
}
