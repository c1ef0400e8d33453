package io.aami.common.text;

/** The one place that turns an unset-looking string (null, empty or only whitespace) into null. */
public final class Strings {
    private Strings() {
    }

    /** Null when {@code s} is null or blank, else {@code s} unchanged (payloads and secrets keep their spaces). */
    public static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Null when {@code s} is null or blank, else {@code s} trimmed. */
    public static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
