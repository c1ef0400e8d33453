package io.aami.agent.checks;

import java.io.IOException;

/**
 * How a check run is held together so that it can be limited and killed as a whole. A cgroup mode
 * puts each run in a cgroup of its own (process limit and memory limit per run, everything in it
 * killed at the end, double-forked and {@code setsid} children included); {@link #RLIMIT} has none and
 * relies on the per-user process limit and the process-group killer.
 */
interface Containment {
    /** No cgroup: {@code prlimit --nproc} per user and the session/process-group killer. */
    Containment RLIMIT = new Containment() {
        @Override
        public String mode() {
            return "rlimit";
        }

        @Override
        public RunCgroup newRun() {
            return null;
        }
    };

    /** {@code cgroup-v2}, {@code cgroup-v1} or {@code rlimit}, as logged and exported. */
    String mode();

    /** A new, empty, limited cgroup for one run; null in {@link #RLIMIT} mode. */
    RunCgroup newRun() throws IOException;

    /** Removes the emptied run cgroups kept for reuse; runs still going are closed by their owners. */
    default void close() {
    }

    /** Whether runs get a cgroup, which replaces the per-user process limit. */
    default boolean usesCgroups() {
        return !"rlimit".equals(mode());
    }
}
