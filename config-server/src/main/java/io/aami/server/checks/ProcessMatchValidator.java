package io.aami.server.checks;

import io.aami.contract.checks.ProcessCheckRules;
import io.aami.contract.policy.ProcessMatch;
import io.aami.server.error.ApiException;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A process check's {@code process} object from its JSON map to a {@link ProcessMatch}, or a 400 naming
 * {@code process.<key>}: known keys only ({@link ProcessCheckRules#KEYS}), regexes that compile and are at
 * most {@link ProcessCheckRules#MAX_REGEX_CHARS}, at least one of the four matchers, whole-number bounds
 * from 0 with {@code min_count ≤ max_count}. Without bounds a process check wants at least one process.
 */
final class ProcessMatchValidator {
    private static final Pattern USER = Pattern.compile(ProcessCheckRules.USER_PATTERN);

    private ProcessMatchValidator() {
    }

    static ProcessMatch validated(Map<String, Object> p) {
        if (p == null) {
            throw ApiException.invalid("process", "is required for a process check");
        }
        for (String key : p.keySet()) {
            if (!ProcessCheckRules.KEYS.contains(key)) {
                throw ApiException.invalid(key == null || key.length() > 64 || !key.matches("[a-z_]+") ? "process"
                        : "process." + key, "unknown key; known keys are " + ProcessCheckRules.KEYS);
            }
        }
        String name = regex(p, "name_regex");
        String exe = regex(p, "exe_regex");
        String cmdline = regex(p, "cmdline_regex");
        String user = user(p.get("user"));
        if (name == null && exe == null && cmdline == null && user == null) {
            throw ApiException.invalid("process", "give at least one of name_regex, exe_regex, cmdline_regex, user");
        }
        Integer min = count(p, "min_count", ProcessCheckRules.MAX_COUNT);
        Integer max = count(p, "max_count", ProcessCheckRules.MAX_COUNT);
        if (min == null && (max == null || max > 0)) {
            min = 1;
        }
        if (min != null && max != null && min > max) {
            throw ApiException.invalid("process.min_count", "must be at most max_count (" + max + ")");
        }
        Long rss = whole(p, "max_rss_bytes", Long.MAX_VALUE);
        return new ProcessMatch(name, exe, cmdline, user, min, max,
                count(p, "max_cpu_percent", ProcessCheckRules.MAX_CPU_PERCENT), rss,
                count(p, "max_open_files", ProcessCheckRules.MAX_COUNT), count(p, "max_threads", ProcessCheckRules.MAX_COUNT));
    }

    private static String regex(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return null;
        }
        String field = "process." + key;
        if (!(v instanceof String s) || s.isEmpty()) {
            throw ApiException.invalid(field, "must be a non-empty string");
        }
        if (s.length() > ProcessCheckRules.MAX_REGEX_CHARS) {
            throw ApiException.invalid(field, "is " + s.length() + " characters; at most "
                    + ProcessCheckRules.MAX_REGEX_CHARS + " are allowed");
        }
        if (s.indexOf('\0') >= 0) {
            throw ApiException.invalid(field, "must not contain NUL characters");
        }
        try {
            Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw ApiException.invalid(field, "is not a valid regular expression: " + e.getDescription());
        }
        return s;
    }

    private static String user(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > ProcessCheckRules.MAX_USER_CHARS || !USER.matcher(s).matches()) {
            throw ApiException.invalid("process.user", "must be a user name or a numeric uid of at most "
                    + ProcessCheckRules.MAX_USER_CHARS + " characters");
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
            throw ApiException.invalid("process." + key, "must be a whole number from 0 to " + max);
        }
        return ((Number) v).longValue();
    }
}
