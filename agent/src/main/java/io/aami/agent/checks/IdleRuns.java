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

    /** Whether a cgroup charged {@code chargedBytes} (as read from its memory usage file, null when unreadable) may be kept. */
    static boolean keepable(String chargedBytes) {
        try {
            return chargedBytes != null && Long.parseLong(chargedBytes.trim()) <= MAX_CHARGED_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
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
