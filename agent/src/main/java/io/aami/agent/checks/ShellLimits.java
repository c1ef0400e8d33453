package io.aami.agent.checks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's first process in a cgroup mode: one root {@code sh} (fixed helper environment) that joins
 * the run's cgroup and sets the {@link ScriptLimits} with its {@code ulimit} builtin before it execs
 * the rest, which saves a {@code prlimit} exec per run. POSIX leaves {@code ulimit}'s options other
 * than {@code -f} unspecified, so {@link #probe} checks once, at startup, that this host's
 * {@code /bin/sh} sets the CPU, address-space and open-files limits, soft and hard alike (an
 * unprivileged script could raise a soft limit up to the hard one); otherwise runs keep {@code prlimit}.
 * The per-user process limit is never set here: dash spells it {@code -p}, bash {@code -u}, and a
 * cgroup's {@code pids.max} counts per run instead.
 */
final class ShellLimits {
    private static final Logger LOG = LoggerFactory.getLogger(ShellLimits.class);
    /**
     * {@code sh -c SNIPPET sh <cgroup.procs files…> -- <cpu s> <address space KiB> <open files> -- command…}:
     * writes its own pid (the run's first process, which then becomes the script) into each file, sets
     * the three limits (soft and hard), then execs the command; exit 125 when any step fails.
     */
    static final String JOIN_AND_LIMIT = "while [ \"$1\" != -- ]; do echo $$ >\"$1\" || { echo \"aami: cannot enter"
            + " cgroup $1\" >&2; exit 125; }; shift; done; shift; ulimit -t \"$1\" && ulimit -v \"$2\" && ulimit -n \"$3\""
            + " && [ \"$4\" = -- ] || { echo \"aami: cannot set the limits\" >&2; exit 125; }; shift 4; exec \"$@\"";
    private static final String SHOW_LIMITS = "while IFS= read -r line; do echo \"$line\"; done </proc/self/limits";

    private ShellLimits() {
    }

    /** The arguments after the cgroup files: {@code -- cpu kib nofile --}. */
    static List<String> arguments(ScriptLimits limits, int timeoutSeconds) {
        return List.of("--", Integer.toString(limits.cpuSecondsFor(timeoutSeconds)),
                Long.toString(limits.addressSpaceBytes() / 1024), Integer.toString(limits.openFiles()), "--");
    }

    /** Whether {@code sh} sets {@code limits} exactly as {@code prlimit} would; false when it cannot tell. */
    static boolean probe(Path sh, ScriptLimits limits) {
        if (sh == null || limits.addressSpaceBytes() % 1024 != 0) {
            return false;
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of(sh.toString(), "-c", JOIN_AND_LIMIT, "sh"));
            command.addAll(arguments(limits, Integer.MAX_VALUE / 2));
            command.addAll(List.of(sh.toString(), "-c", SHOW_LIMITS));
            Process p = SystemTools.startHelper(command);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return refused(sh, "exit " + (p.isAlive() ? "none" : p.exitValue()) + ": " + out.strip());
            }
            boolean exact = bothAre(out, "Max cpu time", limits.maxCpuSeconds())
                    && bothAre(out, "Max address space", limits.addressSpaceBytes())
                    && bothAre(out, "Max open files", limits.openFiles());
            return exact || refused(sh, "limits set were\n" + out.strip());
        } catch (IOException e) {
            return refused(sh, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the {@code /proc/self/limits} line {@code name} has soft and hard limit {@code value}. */
    static boolean bothAre(String procLimits, String name, long value) {
        for (String line : procLimits.split("\n")) {
            if (line.startsWith(name + " ")) {
                String[] f = line.substring(name.length()).trim().split("\\s+");
                return f.length >= 2 && f[0].equals(Long.toString(value)) && f[1].equals(Long.toString(value));
            }
        }
        return false;
    }

    private static boolean refused(Path sh, String why) {
        LOG.info("{} cannot set the check limits itself, so runs use prlimit: {}", sh, why);
        return false;
    }
}
