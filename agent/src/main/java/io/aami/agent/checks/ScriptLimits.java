package io.aami.agent.checks;

/**
 * Resource limits every check script runs under (applied with util-linux {@code prlimit}, inherited by
 * all the script's children; each limit is per process except {@code processes}). With a cgroup per
 * run, {@code processes} is the run's {@code pids.max} and {@code addressSpaceBytes} also caps the
 * memory of the whole run.
 *
 * @param maxCpuSeconds     cap on CPU seconds per process; the effective limit is
 *                          {@code min(maxCpuSeconds, timeoutSeconds + 1)}, the wall-clock timeout
 *                          being the real bound
 * @param addressSpaceBytes virtual memory per process (RLIMIT_AS); an allocation beyond fails
 * @param openFiles         open file descriptors per process (RLIMIT_NOFILE)
 * @param processes         with a cgroup: processes and threads per run ({@code pids.max}). Without:
 *                          RLIMIT_NPROC, which the kernel counts per real uid, over all that user's
 *                          processes and threads on the host, so it is only applied when scripts run
 *                          as the dedicated unprivileged user (agent started as root): applied to the
 *                          agent's own user it would count the agent's threads, and root ignores it.
 *                          Give the run-as user to nothing else, or its other processes count too.
 */
public record ScriptLimits(int maxCpuSeconds, long addressSpaceBytes, int openFiles, int processes) {
    public static final ScriptLimits DEFAULTS = new ScriptLimits(600, 1L << 30, 256, 64);

    public ScriptLimits {
        requirePositive("maxCpuSeconds", maxCpuSeconds);
        requirePositive("addressSpaceBytes", addressSpaceBytes);
        requirePositive("openFiles", openFiles);
        requirePositive("processes", processes);
        if (addressSpaceBytes < 16L << 20) {
            throw new IllegalArgumentException("addressSpaceBytes below 16 MiB leaves no room for an interpreter, got "
                    + addressSpaceBytes);
        }
    }

    /** The CPU-seconds limit for a check with the given timeout. */
    public int cpuSecondsFor(int timeoutSeconds) {
        return (int) Math.min(maxCpuSeconds, (long) timeoutSeconds + 1);
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
