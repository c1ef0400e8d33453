package io.aami.server.console.targets;

import java.util.Arrays;
import java.util.Optional;

/**
 * The orders the target list offers, each a keyset on (key, id): {@code key} is the SQL expression (never null, so
 * a row compares with a cursor) and {@code type} what a cursor's text is cast to. Only these fragments reach SQL.
 */
public enum TargetSort {
    HOSTNAME("hostname", "t.hostname", "text"),
    STATUS("status", "t.status", "text"),
    LAST_HEARTBEAT("last_heartbeat", "coalesce(t.last_heartbeat_at, '-infinity'::timestamptz)", "timestamptz"),
    GROUP("group", "coalesce(g.name, '')", "text");

    private final String param;
    private final String key;
    private final String type;

    TargetSort(String param, String key, String type) {
        this.param = param;
        this.key = key;
        this.type = type;
    }

    /** The name in the page's {@code sort} parameter. */
    public String param() {
        return param;
    }

    String key() {
        return key;
    }

    String type() {
        return type;
    }

    static Optional<TargetSort> of(String param) {
        return Arrays.stream(values()).filter(s -> s.param.equals(param)).findFirst();
    }
}
