package io.aami.server.console.targets;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the target pages print values: times in UTC to the second, a missing value as a dash. */
public final class Shown {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Shown() {
    }

    public static String time(Instant at) {
        return at == null ? "—" : TIME.format(at);
    }

    /** The machine-readable form for a {@code <time datetime>}; null leaves the attribute out. */
    public static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    public static String text(Object value) {
        return value == null || value.toString().isEmpty() ? "—" : value.toString();
    }
}
