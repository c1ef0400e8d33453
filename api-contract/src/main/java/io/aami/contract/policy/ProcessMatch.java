package io.aami.contract.policy;

/**
 * What a {@code kind: process} check looks for, as its policy carries it (see {@code ProcessCheckRules}
 * for the limits the server applies). A process matches when every regex given finds a match (in
 * {@code /proc/<pid>/comm}, the {@code /proc/<pid>/exe} link, the command line with NULs as spaces) and
 * its real user is {@code user} (a name or a numeric uid); at least one of the four is given. The check
 * is critical when the count of matching processes is outside {@code [min_count, max_count]}, or when a
 * matching process exceeds a {@code max_*} bound (CPU % over a one-second sample, resident bytes, open
 * file descriptors, threads); a null bound is not checked.
 */
public record ProcessMatch(String nameRegex, String exeRegex, String cmdlineRegex, String user, Integer minCount,
                           Integer maxCount, Integer maxCpuPercent, Long maxRssBytes, Integer maxOpenFiles,
                           Integer maxThreads) {
}
