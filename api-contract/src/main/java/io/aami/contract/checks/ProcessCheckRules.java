package io.aami.contract.checks;

import io.aami.contract.policy.ProcessMatch;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Limits and rules of a process check's {@code process} object ({@link #check}), shared by the server's check API and
 * the Terraform provider's plan-time validation, so both refuse the same input with the same field path
 * ({@code process.<key>}); the agent refuses beyond the same limits. A regex is bounded in length because it is matched
 * against command lines that any local user chooses; the agent also bounds the text it matches
 * ({@link #MAX_MATCHED_CHARS}) and the time one match may take.
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
    /** The problem of a {@code process} object on a script or passive check. */
    public static final String ONLY_PROCESS_CHECKS = "only a process check (kind: process) has one";
    private static final Pattern USER = Pattern.compile(USER_PATTERN);

    /** The outcome of {@link #check}: the match with its defaults, or the refused key's {@code field} path and {@code problem}. */
    public record Result(ProcessMatch match, String field, String problem) {
        public boolean valid() {
            return field == null;
        }
    }

    private ProcessCheckRules() {
    }

    /**
     * The {@code process} object of a process check as its JSON map: known keys only ({@link #KEYS}), regexes that
     * compile and are at most {@link #MAX_REGEX_CHARS}, at least one of the four matchers, whole-number bounds from 0
     * with {@code min_count ≤ max_count}. Without bounds a process check wants at least one process ({@code min_count}
     * 1, the default filled in).
     */
    public static Result check(Map<String, Object> p) {
        try {
            return new Result(match(p), null, null);
        } catch (IllegalArgumentException e) {
            int at = e.getMessage().indexOf(": ");
            return new Result(null, e.getMessage().substring(0, at), e.getMessage().substring(at + 2));
        }
    }

    private static ProcessMatch match(Map<String, Object> p) {
        if (p == null) {
            throw invalid("process", "is required for a process check");
        }
        for (String key : p.keySet()) {
            if (!KEYS.contains(key)) {
                throw invalid(key == null || key.length() > 64 || !key.matches("[a-z_]+") ? "process" : "process." + key,
                        "unknown key; known keys are " + KEYS);
            }
        }
        String name = regex(p, "name_regex");
        String exe = regex(p, "exe_regex");
        String cmdline = regex(p, "cmdline_regex");
        String user = user(p.get("user"));
        if (name == null && exe == null && cmdline == null && user == null) {
            throw invalid("process", "give at least one of name_regex, exe_regex, cmdline_regex, user");
        }
        Integer min = count(p, "min_count", MAX_COUNT);
        Integer max = count(p, "max_count", MAX_COUNT);
        if (min == null && (max == null || max > 0)) {
            min = 1;
        }
        if (min != null && max != null && min > max) {
            throw invalid("process.min_count", "must be at most max_count (" + max + ")");
        }
        Long rss = whole(p, "max_rss_bytes", Long.MAX_VALUE);
        return new ProcessMatch(name, exe, cmdline, user, min, max, count(p, "max_cpu_percent", MAX_CPU_PERCENT), rss,
                count(p, "max_open_files", MAX_COUNT), count(p, "max_threads", MAX_COUNT));
    }

    private static IllegalArgumentException invalid(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }

    private static String regex(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return null;
        }
        String field = "process." + key;
        if (!(v instanceof String s) || s.isEmpty()) {
            throw invalid(field, "must be a non-empty string");
        }
        if (s.length() > MAX_REGEX_CHARS) {
            throw invalid(field, "is " + s.length() + " characters; at most " + MAX_REGEX_CHARS + " are allowed");
        }
        if (s.indexOf('\0') >= 0) {
            throw invalid(field, "must not contain NUL characters");
        }
        try {
            Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw invalid(field, "is not a valid regular expression: " + e.getDescription());
        }
        return s;
    }

    private static String user(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > MAX_USER_CHARS || !USER.matcher(s).matches()) {
            throw invalid("process.user", "must be a user name or a numeric uid of at most " + MAX_USER_CHARS + " characters");
        }
        return s;
    }

    private static Integer count(Map<String, Object> p, String key, int max) {
        Long v = whole(p, key, max);
        return v == null ? null : v.intValue();
    }

    private static Long whole(Map<String, Object> p, String key, long max) {
        Object v = p.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0 || ((Number) v).longValue() > max) {
            throw invalid("process." + key, "must be a whole number from 0 to " + max);
        }
        return ((Number) v).longValue();
    }
}
