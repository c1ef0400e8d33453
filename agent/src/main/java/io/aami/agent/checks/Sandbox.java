package io.aami.agent.checks;

import io.aami.agent.util.ProcessUid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How check scripts are confined. Every script runs as
 * {@code setsid -- sh -c JOIN_AND_LIMIT sh <cgroup.procs files> -- cpu kib nofile --
 * [setpriv --reuid --regid --init-groups --] env -i -- NAME=VALUE… interpreter script args…} in a
 * cgroup mode, and as {@code setsid -- prlimit --cpu --as --nofile [--nproc] -- [setpriv …] env -i …}
 * without one (or when the host's {@code sh} cannot set the limits, see {@link ShellLimits}). Each
 * helper execs the next, so a run is one process (one pid) until the script forks:
 * <ul>
 *   <li>{@code setsid}: its own session and process group, so the whole tree can be found and killed,
 *       and no controlling terminal of the agent's for the script to reach;</li>
 *   <li>{@code sh -c JOIN_AND_LIMIT}: in a cgroup mode (see {@link Containment}), a fixed shell snippet
 *       that writes its own pid into the run's cgroup and sets the {@link ScriptLimits} with
 *       {@code ulimit}, then execs the rest, so nothing of the check runs outside the cgroup or its limits;</li>
 *   <li>{@code prlimit}: the {@link ScriptLimits} without a cgroup, {@code --nproc} (per user) included,
 *       as a cgroup's {@code pids.max} counts per run instead;</li>
 *   <li>{@code setpriv}: only when the agent runs as root, drops to the unprivileged run-as user. A
 *       missing run-as user is a startup error, never a silent fallback to root. When the agent is not
 *       root, scripts run as the agent's own user;</li>
 *   <li>{@code env -i}: the script's environment, set only after the privilege drop. Everything
 *       before it, root's helpers, runs with the fixed {@link SystemTools#HELPER_ENV}, so nothing the
 *       server sends (such as {@code LD_PRELOAD}) reaches a process running as root.</li>
 * </ul>
 * Where {@code aami-run} is installed ({@link RunHelper}), it does all of this in one exec instead:
 * {@code aami-run [--cgroup FILE]… --cpu --as --nofile [--nproc] [--uid --gid --groups] --env NAME=VALUE… --
 * interpreter script args…}, so nothing but it and the interpreter is exec'd.
 * The script's environment and arguments are on the command line, readable by local users in the
 * process list while the run starts: they are not for secrets. Build one with {@link #create} at startup.
 */
public final class Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /**
     * Runs as root with the fixed helper environment: writes its own pid (the run's first process,
     * which then becomes the script) into each cgroup.procs given before "--", then execs the rest.
     */
    static final String JOIN_CGROUP = "while [ \"$1\" != -- ]; do echo $$ >\"$1\" || { echo \"aami: cannot enter"
            + " cgroup $1\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";
    /** Whether cgroup runs set their limits in the joining {@code sh} ({@link ShellLimits}) instead of prlimit. */
    private final boolean shellLimits;

    private final RunAsUser runAs;
    private final ScriptLimits limits;
    private final SystemTools tools;
    private final Containment containment;
    /** The one-exec helper, or null to start runs through the util-linux and coreutils chain. */
    private final RunHelper helper;

    Sandbox(RunAsUser runAs, ScriptLimits limits, SystemTools tools) {
        this(runAs, limits, tools, Containment.RLIMIT);
    }

    Sandbox(RunAsUser runAs, ScriptLimits limits, SystemTools tools, Containment containment) {
        this(runAs, limits, tools, containment, false);
    }

    Sandbox(RunAsUser runAs, ScriptLimits limits, SystemTools tools, Containment containment, boolean shellLimits) {
        this(runAs, limits, tools, containment, shellLimits, null);
    }

    Sandbox(RunAsUser runAs, ScriptLimits limits, SystemTools tools, Containment containment, boolean shellLimits,
            RunHelper helper) {
        this.helper = helper;
        this.shellLimits = shellLimits && containment.usesCgroups();
        this.runAs = runAs;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.tools = Objects.requireNonNull(tools, "tools");
        this.containment = Objects.requireNonNull(containment, "containment");
    }

    /**
     * Checks the host can sandbox scripts and resolves {@code runAs} when the agent is root.
     * {@code containmentMode} is {@code checks.containment}: {@code auto} (a cgroup per run where the
     * host offers one, else rlimits), {@code cgroup} (required) or {@code rlimit}; {@code runHelper} is
     * {@code checks.run_helper} (null: never), see {@link RunHelper#find}.
     *
     * @throws IllegalArgumentException for a malformed user name
     * @throws IllegalStateException    when the user does not exist or is root, or prlimit (always) or
     *                                  setpriv (when root) is not installed (neither needed with the helper),
     *                                  for {@code cgroup} when no usable cgroup exists, or for a helper
     *                                  others could replace, or one named but missing or not answering
     */
    public static Sandbox create(String runAs, ScriptLimits limits, String containmentMode, Path runHelper) {
        long uid = ProcessUid.effective();
        RunHelper helper = RunHelper.find(runHelper, uid);
        Sandbox sandbox = create(runAs, limits, SystemTools.detect(), uid, helper != null);
        Containment containment = ContainmentChoice.choose(containmentMode, limits, uid == 0,
                CgroupDetector::ofThisProcess);
        if (helper != null) {
            return new Sandbox(sandbox.runAs, limits, sandbox.tools, containment, false, helper);
        }
        if (containment.usesCgroups() && sandbox.tools.sh() == null) {
            throw new IllegalStateException("no /bin/sh to put check runs into their cgroups");
        }
        boolean shellLimits = containment.usesCgroups() && ShellLimits.probe(sandbox.tools.sh(), limits);
        return new Sandbox(sandbox.runAs, limits, sandbox.tools, containment, shellLimits);
    }

    static Sandbox create(String runAs, ScriptLimits limits, SystemTools tools, long effectiveUid) {
        return create(runAs, limits, tools, effectiveUid, false);
    }

    /** {@code withHelper}: runs start through {@link RunHelper}, so none of the chain's tools is needed. */
    static Sandbox create(String runAs, ScriptLimits limits, SystemTools tools, long effectiveUid, boolean withHelper) {
        RunAsUser.requireValidName(runAs);
        Objects.requireNonNull(limits, "limits");
        if (withHelper) {
            return new Sandbox(effectiveUid == 0 ? resolve(runAs, tools, limits) : null, limits, tools);
        }
        if (tools.prlimit() == null) {
            throw new IllegalStateException("util-linux prlimit is required to limit check scripts; install util-linux");
        }
        if (tools.env() == null) {
            throw new IllegalStateException("coreutils env is required to give check scripts their environment");
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
        return new Sandbox(resolve(runAs, tools, limits), limits, tools);
    }

    private static RunAsUser resolve(String runAs, SystemTools tools, ScriptLimits limits) {
        RunAsUser user = RunAsUser.resolve(runAs, tools.id());
        LOG.info("check scripts run as {} (uid {}, gid {}, groups {}) with {}", user.name(), user.uid(), user.gid(),
                user.groups(), limits);
        return user;
    }

    /**
     * The full command line for one run, in {@code cgroup} when not null; {@code env} is the script's
     * whole environment, applied after the privilege drop.
     *
     * @throws IllegalArgumentException for an environment name {@code env(1)} would misread
     */
    List<String> command(RunCgroup cgroup, int timeoutSeconds, Path interpreter, Path script, List<String> args,
                         Map<String, String> env) {
        if (helper != null) {
            List<String> program = new ArrayList<>(List.of(interpreter.toString(), script.toString()));
            program.addAll(args);
            return helper.command(cgroup == null ? List.of() : cgroup.joinFiles(), limits, timeoutSeconds, runAs, env,
                    program);
        }
        List<String> cmd = new ArrayList<>();
        if (tools.setsid() != null) {
            cmd.add(tools.setsid().toString());
            cmd.add("--");
        }
        // The limits are the joining sh's only in a cgroup: without one, no sh runs and prlimit sets them all.
        boolean limitsBySh = cgroup != null && shellLimits;
        if (cgroup != null) {
            cmd.addAll(List.of(tools.sh().toString(), "-c", limitsBySh ? ShellLimits.JOIN_AND_LIMIT : JOIN_CGROUP, "sh"));
            cgroup.joinFiles().forEach(file -> cmd.add(file.toString()));
            if (limitsBySh) {
                cmd.addAll(ShellLimits.arguments(limits, timeoutSeconds));
            } else {
                cmd.add("--");
            }
        }
        if (!limitsBySh) {
            addPrlimit(cmd, cgroup, timeoutSeconds);
        }
        if (runAs != null) {
            cmd.add(tools.setpriv().toString());
            cmd.add("--reuid=" + runAs.uid());
            cmd.add("--regid=" + runAs.gid());
            cmd.add("--init-groups");
            cmd.add("--");
        }
        cmd.addAll(List.of(tools.env().toString(), "-i", "--"));
        env.forEach((name, value) -> cmd.add(assignment(name, value)));
        cmd.add(interpreter.toString());
        cmd.add(script.toString());
        cmd.addAll(args);
        return cmd;
    }

    private void addPrlimit(List<String> cmd, RunCgroup cgroup, int timeoutSeconds) {
        cmd.add(tools.prlimit().toString());
        cmd.add("--cpu=" + limits.cpuSecondsFor(timeoutSeconds));
        cmd.add("--as=" + limits.addressSpaceBytes());
        cmd.add("--nofile=" + limits.openFiles());
        if (runAs != null && cgroup == null) {
            cmd.add("--nproc=" + limits.processes());
        }
        cmd.add("--");
    }

    /** A cgroup for one run, or null without cgroups. */
    RunCgroup newRun() throws IOException {
        return containment.newRun();
    }

    /** Removes the run cgroups kept for reuse; call once no run is going any more. */
    void close() {
        containment.close();
    }

    /** {@code cgroup-v2}, {@code cgroup-v1} or {@code rlimit}. */
    String containmentMode() {
        return containment.mode();
    }

    /** After {@code env -i --} every NAME=VALUE argument is an assignment, so only the name needs care. */
    static String assignment(String name, String value) {
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("environment variable name '" + name + "' cannot be passed on");
        }
        return name + "=" + value;
    }

    /** The user scripts switch to; empty when they run as the agent's own user. */
    Optional<RunAsUser> runAs() {
        return Optional.ofNullable(runAs);
    }

    /** True when each script leads its own process group, whose id is the pid the agent started. */
    boolean ownProcessGroup() {
        return helper != null || tools.setsid() != null;
    }

    /** kill(1), to signal a whole process group at once; null when not installed. */
    Path killTool() {
        return tools.kill();
    }

    @Override
    public String toString() {
        return (runAs == null ? "Sandbox[agent's own user, " : "Sandbox[" + runAs.name() + " uid " + runAs.uid() + ", ")
                + containment.mode() + (helper != null ? " (by " + helper.path() + ")" : shellLimits ? " (limits by sh)" : "")
                + ", " + limits + "]";
    }
}
