package io.aami.contract.rules;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Field rules that the server enforces and that clients (the Terraform provider, at plan time) check before
 * sending: each method answers the problem as the API words it after the field name, or null when the value
 * is fine. The server's {@code validation.Fields} and check validator say the same.
 */
public final class FieldRules {
    public static final int MAX_LABELS = 64;
    public static final int MAX_LABEL_VALUE = 256;
    /** A check's or probe's {@code interval_seconds}: 1 s to a week. */
    public static final int MAX_INTERVAL_SECONDS = io.aami.contract.probes.ProbeLimits.MAX_INTERVAL_SECONDS;
    public static final int MAX_HOSTNAME = 253;
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-/]{0,62}");

    private FieldRules() {
    }

    public static String uuid(String value) {
        try {
            UUID.fromString(value);
            return null;
        } catch (IllegalArgumentException | NullPointerException e) {
            return "'" + value + "' is not a UUID";
        }
    }

    public static String required(String value, int max) {
        if (value == null || value.isBlank()) {
            return "is required";
        }
        return value.trim().length() > max ? "must be at most " + max + " characters" : null;
    }

    public static String labels(Map<String, String> labels) {
        if (labels == null) {
            return null;
        }
        if (labels.size() > MAX_LABELS) {
            return "at most " + MAX_LABELS + " labels are allowed";
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey() == null || !LABEL_KEY.matcher(e.getKey()).matches()) {
                return "label name '" + e.getKey() + "' must be 1-63 characters of letters, digits, _ . - /";
            }
            if (e.getValue() == null || e.getValue().length() > MAX_LABEL_VALUE) {
                return "label '" + e.getKey() + "' needs a value of at most " + MAX_LABEL_VALUE + " characters";
            }
        }
        return null;
    }

    public static String interval(long seconds) {
        return seconds < 1 || seconds > MAX_INTERVAL_SECONDS ? "must be between 1 and " + MAX_INTERVAL_SECONDS : null;
    }
}
