package io.aami.server.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How console pages print a time: to the second, in UTC and saying so ({@code 2026-12-02 01:23:45 UTC}), the same on
 * every page and for every viewer (the server does not know the browser's zone, and the API speaks UTC too); a
 * missing time is an em dash. Templates call {@link #of}.
 */
public final class Times {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String of(Instant at) {
        return at == null ? "\u2014" : FORMAT.format(at);
    }
}
