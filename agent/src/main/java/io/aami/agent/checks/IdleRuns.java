package io.aami.agent.checks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Emptied run cgroups kept for the next runs: creating and removing a cgroup (three directories in
 * v1, with a memory controller's bookkeeping) cost the agent more CPU than anything else left in a
 * run. A cgroup comes back here only when its run ended with nothing left in it (no kill was needed),
 * so it is as empty as a new one; its limits never change. At most {@link #MAX} are kept.
 */
final class IdleRuns<T> {
    static final int MAX = 16;
    /**
     * A cgroup still charged more memory than this (tmpfs or shared memory a run left, which stays
     * charged to it) is removed, not kept: it would shrink the next run's memory limit.
     */
    static final long MAX_CHARGED_BYTES = 16L << 20;
    private final Deque<T> idle = new ArrayDeque<>();
    private boolean closed;

    /** An idle cgroup, or null when none. */
    synchronized T take() {
        return idle.pollFirst();
    }

    /**
     * Whether a cgroup may be kept: it charged {@code chargedBytes} (as read from its memory usage file, null when
     * unreadable) and holds {@code pidsCurrent} tasks (its {@code pids.current}; null when there is no pids controller).
     * A zombie leaves cgroup.procs but still counts in pids.current (and against pids.max), so a cgroup that looks
     * empty by its procs may still hold a leftover: only a count of exactly 0 is clean.
     */
    static boolean keepable(String chargedBytes, String pidsCurrent) {
        try {
            return chargedBytes != null && Long.parseLong(chargedBytes.trim()) <= MAX_CHARGED_BYTES
                    && (pidsCurrent == null || Long.parseLong(pidsCurrent.trim()) == 0);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@link #keepable(String, String)} reading {@code memoryFile} and, when the pids controller is there, {@code pidsFile}. */
    static boolean keepable(java.nio.file.Path memoryFile, java.nio.file.Path pidsFile) {
        String pids = null;
        if (java.nio.file.Files.exists(pidsFile)) {
            pids = CgroupFiles.readOrNull(pidsFile);
            if (pids == null) {
                return false;
            }
        }
        return keepable(CgroupFiles.readOrNull(memoryFile), pids);
    }

    /** Keeps {@code run} for reuse; false when full or closed (the caller removes it). */
    synchronized boolean offer(T run) {
        if (closed || idle.size() >= MAX) {
            return false;
        }
        idle.addFirst(run);
        return true;
    }

    /** Stops keeping cgroups and hands back those kept, for removal. */
    synchronized List<T> close() {
        closed = true;
        List<T> all = new ArrayList<>(idle);
        idle.clear();
        return all;
    }
}
