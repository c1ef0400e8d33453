package io.aami.agent.processes;

/**
 * One process as {@code /proc} shows it to the agent.
 *
 * @param exe       the {@code exe} link's target, null when it cannot be read (another user's process and
 *                  the agent is not root, or a kernel thread)
 * @param cmdline   the arguments joined by spaces, at most {@code ProcessCheckRules.MAX_MATCHED_CHARS}
 * @param uid       the real user id, -1 when unknown
 * @param openFiles entries of {@code /proc/<pid>/fd}, null when they cannot be listed
 * @param cpuTicks  user plus system time in clock ticks since the process started
 */
record ProcessInfo(long pid, String name, String exe, String cmdline, long uid, long rssBytes, int threads,
                   Integer openFiles, long cpuTicks) {
}
