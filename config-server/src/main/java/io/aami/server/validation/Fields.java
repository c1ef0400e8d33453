package io.aami.server.validation;

import io.aami.server.error.ApiException;

import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Field checks shared by every service and validator; each failure is a 400 that names the field.
 * Plain values in, plain values out: no HTTP here (reading path and query parameters is
 * {@code http.Params}).
 */
public final class Fields {
    public static final int MAX_LABELS = io.aami.contract.rules.FieldRules.MAX_LABELS;
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-/]{0,62}");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private Fields() {
    }

    /** A non-blank string of at most {@code max} characters, trimmed. */
    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid(field, "is required");
        }
        return bounded(field, value.trim(), max);
    }

    /** Null stays null; otherwise trimmed and bounded. */
    public static String optional(String field, String value, int max) {
        return value == null ? null : bounded(field, value.trim(), max);
    }

    public static Map<String, String> labels(String field, Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw ApiException.invalid(field, "at most " + MAX_LABELS + " labels are allowed");
        }
        Map<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (k == null || !LABEL_KEY.matcher(k).matches()) {
                throw ApiException.invalid(field, "label name '" + k + "' must be 1-63 characters of letters, digits, _ . - /");
            }
            if (v == null || v.length() > 256) {
                throw ApiException.invalid(field, "label '" + k + "' needs a value of at most 256 characters");
            }
            StorableText.require(field + "." + k, v);
            out.put(k, v);
        });
        return out;
    }

    /** An IPv4 or IPv6 literal (never resolved through DNS), or null. */
    public static String ipAddress(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (IPV4.matcher(v).matches()) {
            return v;
        }
        if (v.indexOf(':') >= 0 && IPV6_CHARS.matcher(v).matches()) {
            try {
                // A string containing ':' is parsed as an IPv6 literal without any lookup.
                return java.net.InetAddress.getByName(v).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                // falls through to the refusal below
            }
        }
        throw ApiException.invalid(field, "'" + v + "' is not an IPv4 or IPv6 address");
    }

    /** A UUID; the refusal worded as api-contract's {@code FieldRules} words it for clients (the Terraform provider). */
    public static UUID uuid(String field, String value) {
        String problem = io.aami.contract.rules.FieldRules.uuid(value);
        if (problem != null) {
            throw ApiException.invalid(field, problem);
        }
        return UUID.fromString(value);
    }

    private static String bounded(String field, String value, int max) {
        if (value.length() > max) {
            throw ApiException.invalid(field, "must be at most " + max + " characters");
        }
        if (value.chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
            throw ApiException.invalid(field, "must not contain control characters");
        }
        return StorableText.require(field, value);
    }
}
