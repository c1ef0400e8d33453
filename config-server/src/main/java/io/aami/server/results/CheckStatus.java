package io.aami.server.results;

import java.util.List;

/** Check status names and their stored (and exported) numbers: 0 ok, 1 warning, 2 critical, 3 unknown. */
public final class CheckStatus {
    public static final List<String> NAMES = List.of("ok", "warning", "critical", "unknown");

    private CheckStatus() {
    }

    /** The number of a valid status name, or -1. */
    public static int code(String name) {
        return name == null ? -1 : NAMES.indexOf(name);
    }

    public static String name(int code) {
        return code >= 0 && code < NAMES.size() ? NAMES.get(code) : "unknown";
    }
}
