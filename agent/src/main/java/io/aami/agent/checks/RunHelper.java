package io.aami.agent.checks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code aami-run} ({@code agent/src/main/c/aami-run.c}, installed by the packages at {@link #DEFAULT_PATH}):
 * one exec that does what {@code setsid}, the joining root {@code sh}, {@code prlimit}, {@code setpriv}
 * and {@code env -i} did in four, so a run costs two execs (helper and interpreter) instead of five.
 * It runs as root with the agent's fixed helper environment and gets the check's environment only as
 * {@code --env} arguments, which it applies at the exec, after the user switch.
 *
 * <p>It is used only when its file and every directory above it belong to root (or to the agent's own
 * user when the agent is not root) and no one else can write them, and when it answers {@code --version}
 * with {@link #VERSION}: a helper an unprivileged user could replace would run their code as root.
 */
final class RunHelper {
    private static final Logger LOG = LoggerFactory.getLogger(RunHelper.class);
    static final Path DEFAULT_PATH = Path.of("/usr/libexec/aami/aami-run");
    /** What a helper that speaks this class's arguments prints for {@code --version}. */
    static final String VERSION = "aami-run 1";

    private final Path path;

    RunHelper(Path path) {
        this.path = path;
    }

    /**
     * The helper at {@code path} (the config's {@code checks.run_helper}), or null when it is not to be
     * used: {@code path} null, or the {@link #DEFAULT_PATH} is not installed or does not run here (a
     * warning). A helper that is named in the config but missing or does not answer is an error, and so
     * is one that others could write, wherever it is.
     *
     * @throws IllegalStateException as above
     */
    static RunHelper find(Path path, long agentUid) {
        if (path == null) {
            return null;
        }
        boolean chosen = !path.equals(DEFAULT_PATH);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (chosen) {
                throw new IllegalStateException("checks.run_helper " + path + " does not exist");
            }
            LOG.info("{} is not installed: check runs start through setsid, sh, setpriv and env", path);
            return null;
        }
        requireOwnedAlone(path, agentUid);
        String answer = version(path);
        if (!VERSION.equals(answer)) {
            String problem = "checks.run_helper " + path + " answered '" + answer + "' to --version, not '" + VERSION + "'";
            if (chosen) {
                throw new IllegalStateException(problem);
            }
            LOG.warn("{}: check runs start through setsid, sh, setpriv and env instead", problem);
            return null;
        }
        LOG.info("check runs start through {}", path);
        return new RunHelper(path);
    }

    /**
     * The helper and every directory above it: owned by root or {@code agentUid} and writable by the
     * owner only; a directory others may write counts only when it is sticky ({@code /tmp}), where they
     * cannot replace what root made in it. The rule the launcher applies to its class archive.
     */
    static void requireOwnedAlone(Path path, long agentUid) {
        Path p = path.toAbsolutePath().normalize();
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("checks.run_helper " + path + " is not a regular file");
            }
            for (Path at = p; at != null; at = at.getParent()) {
                int mode = (Integer) Files.getAttribute(at, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                int owner = (Integer) Files.getAttribute(at, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                boolean othersWrite = (mode & 0022) != 0 && (at == p || (mode & 01000) == 0);
                if ((owner != 0 && owner != agentUid) || othersWrite || Files.isSymbolicLink(at)) {
                    throw new IllegalStateException("checks.run_helper " + path + ": " + at + " is not "
                            + (agentUid == 0 ? "root's" : "root's or the agent's") + " alone (owner uid " + owner
                            + ", mode " + Integer.toOctalString(mode & 07777) + "): a helper others can replace"
                            + " would run their code as root");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("checks.run_helper " + path + ": " + e.getMessage(), e);
        }
    }

    private static String version(Path path) {
        try {
            Process p = SystemTools.startHelper(List.of(path.toString(), "--version"));
            String out = new String(p.getInputStream().readNBytes(200), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "nothing within 10 s";
            }
            return out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * The command line of one run: joins each of {@code cgroupFiles}; the CPU, address-space and
     * open-files limits, and the per-user process limit where no cgroup counts processes; the switch
     * to {@code runAs} when not null; then {@code env} and the interpreter.
     */
    List<String> command(List<Path> cgroupFiles, ScriptLimits limits, int timeoutSeconds, RunAsUser runAs,
                         Map<String, String> env, List<String> program) {
        List<String> cmd = new ArrayList<>();
        cmd.add(path.toString());
        cgroupFiles.forEach(file -> {
            cmd.add("--cgroup");
            cmd.add(file.toString());
        });
        cmd.addAll(List.of("--cpu", Integer.toString(limits.cpuSecondsFor(timeoutSeconds)),
                "--as", Long.toString(limits.addressSpaceBytes()), "--nofile", Integer.toString(limits.openFiles())));
        if (runAs != null && cgroupFiles.isEmpty()) {
            cmd.addAll(List.of("--nproc", Integer.toString(limits.processes())));
        }
        if (runAs != null) {
            cmd.addAll(List.of("--uid", Long.toString(runAs.uid()), "--gid", Long.toString(runAs.gid()),
                    "--groups", runAs.groups().stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
        env.forEach((name, value) -> {
            cmd.add("--env");
            cmd.add(Sandbox.assignment(name, value));
        });
        cmd.add("--");
        cmd.addAll(program);
        return cmd;
    }

    Path path() {
        return path;
    }
}
