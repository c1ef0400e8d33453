package io.aami.contract.checks;

import java.util.List;

/**
 * Limits of a process check's {@code process} object, the server's 400s ({@code process.<key>}) and the
 * agent's refusal alike. A regex is bounded in length because it is matched against command lines that
 * any local user chooses; the agent also bounds the text it matches ({@link #MAX_MATCHED_CHARS}) and the
 * time one match may take.
 */
public final class ProcessCheckRules {
    public static final int MAX_REGEX_CHARS = 256;
    public static final int MAX_USER_CHARS = 64;
    /** A bound on a count (processes, open files, threads). */
    public static final int MAX_COUNT = 1_000_000;
    /** A CPU bound in percent of one core; a process with many threads can use several. */
    public static final int MAX_CPU_PERCENT = 100_000;
    /** How much of a command line or exe path is matched; the rest is ignored. */
    public static final int MAX_MATCHED_CHARS = 4096;
    public static final List<String> KEYS = List.of("name_regex", "exe_regex", "cmdline_regex", "user", "min_count",
            "max_count", "max_cpu_percent", "max_rss_bytes", "max_open_files", "max_threads");
    /** A user name as useradd accepts it, or a numeric uid. */
    public static final String USER_PATTERN = "[a-z_][a-z0-9_.-]*\\$?|[0-9]+";

    private ProcessCheckRules() {
    }
}
