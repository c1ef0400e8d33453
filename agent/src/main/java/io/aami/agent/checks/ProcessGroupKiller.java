package io.aami.agent.checks;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills everything a script started, with systemd {@code KillMode=control-group} semantics: after a
 * timeout and also after a normal exit, so background children never outlive the run (nor hold its
 * output pipe open).
 *
 * <p>A script started through {@code setsid} leads a process group and session whose id is the pid
 * the agent holds. Members are found by scanning {@code /proc/*}{@code /stat} for that pgrp or session
 * (the session also catches children that moved to a group of their own). The first strike is
 * {@code kill -KILL -- -pgid}, which the kernel delivers to the whole group at once, so a fork bomb
 * cannot outrun it; stragglers are then killed one by one until a scan finds none. The script's
 * process tree, snapshotted first when its root still lives (a timeout), is killed too: the only net
 * when setsid is missing. A child that double-forks into a new session of its own escapes. Used only
 * for runs without a cgroup ({@code rlimit} mode): a run with one is found and killed through its
 * cgroup (see {@link Containment}), which holds such a child too, and walks no {@code /proc}.
 */
final class ProcessGroupKiller {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroupKiller.class);
    private static final Duration SWEEP_LIMIT = Duration.ofSeconds(5);
    private static final Path PROC = Path.of("/proc");

    private final Path killTool;
    private final long ownPid;
    private final long ownPgrp;

    /** @param killTool kill(1), or null to kill members one by one only */
    ProcessGroupKiller(Path killTool) {
        this.killTool = killTool;
        this.ownPid = ProcessHandle.current().pid();
        ProcStat self = readStat(PROC.resolve("self/stat"));
        if (self == null) {
            throw new IllegalStateException("check execution needs Linux /proc to find a script's processes");
        }
        this.ownPgrp = self.pgrp();
    }

    /**
     * Kills {@code root}, its descendants and, when {@code rootLeadsGroup}, every member of its group
     * and session. Returns once none is left alive or after a few seconds of trying. Interrupts are
     * deferred until the sweep is done: a shutdown must not leave the tree behind.
     *
     * <p>Takes the handle, not the {@link Process}: {@code Process.destroyForcibly} also closes the
     * output pipe, losing what the reader has not consumed yet.
     */
    void killAll(ProcessHandle root, boolean rootLeadsGroup) {
        boolean interrupted = Thread.interrupted();
        try {
            // A second /proc walk, at a timeout only: once the root has exited its orphans have new parents.
            List<ProcessHandle> tree = root.isAlive() ? root.descendants().toList() : List.of();
            if (rootLeadsGroup && root.pid() > 1 && root.pid() != ownPgrp && root.pid() != ownPid) {
                interrupted |= sweepGroup(root.pid());
            }
            root.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Live (not zombie) processes in group or session {@code id}, this JVM excluded. One read of each
     * {@code /proc/<pid>/stat} into a reused buffer: this walk runs after every run without a cgroup.
     */
    List<Long> members(long id) {
        List<Long> found = new ArrayList<>();
        String[] names = PROC.toFile().list();
        if (names == null) {
            LOG.warn("cannot scan /proc for processes of group {}", id);
            return found;
        }
        byte[] buffer = new byte[1024];
        for (String name : names) {
            if (isPid(name)) {
                ProcStat stat = readStat(PROC.resolve(name).resolve("stat"), buffer);
                if (stat != null && !stat.exited() && stat.pid() != ownPid
                        && (stat.pgrp() == id || stat.session() == id)) {
                    found.add(stat.pid());
                }
            }
        }
        return found;
    }

    /** Returns whether the thread was interrupted meanwhile (the flag itself is cleared). */
    private boolean sweepGroup(long pgid) {
        long deadline = System.nanoTime() + SWEEP_LIMIT.toNanos();
        boolean groupSignalled = false;
        boolean interrupted = false;
        for (List<Long> members = members(pgid); !members.isEmpty(); members = members(pgid)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("{} processes of script group {} survived {} of killing: {}", members.size(), pgid,
                        SWEEP_LIMIT, members);
                return interrupted;
            }
            if (!groupSignalled && killTool != null) {
                interrupted |= signalGroup(pgid);
                groupSignalled = true;
            } else {
                members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            interrupted |= Thread.interrupted();
        }
        return interrupted;
    }

    /** Sends SIGKILL to the whole group at once; returns whether the wait for kill(1) was interrupted. */
    private boolean signalGroup(long pgid) {
        try {
            Process kill = new ProcessBuilder(killTool.toString(), "-s", "KILL", "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.getOutputStream().close();
            if (!kill.waitFor(2, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("kill(1) failed for script group {}: {}", pgid, e.toString());
        } catch (InterruptedException e) {
            return true;
        }
        return false;
    }

    private static boolean isPid(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return !name.isEmpty();
    }

    /** The process's stat, or null when it exited meanwhile. */
    private static ProcStat readStat(Path stat) {
        return readStat(stat, new byte[1024]);
    }

    private static ProcStat readStat(Path stat, byte[] buffer) {
        try (FileInputStream in = new FileInputStream(stat.toFile())) {
            int n = in.readNBytes(buffer, 0, buffer.length);
            return ProcStat.parse(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
