package io.aami.server.console.targets;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The orders the target list offers, each a keyset on (key, id): {@code key} is the SQL expression (never null, so
 * a row compares with a cursor) and {@code type} what a cursor's text is cast to. Only these fragments reach SQL.
 * A heartbeat cursor is an ISO-8601 instant (or {@code -infinity}: never), whatever the database's own text form.
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

    /** The earliest and latest heartbeat a cursor may name: what PostgreSQL stores, and more than any agent sends. */
    private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");
    /** What a row without heartbeat sorts (and pages) as: the key's coalesce. */
    static final String NEVER = "-infinity";

    /**
     * Whether {@code key} is a cursor this order's keyset can compare with: a page only sends such cursors, so
     * anything else is made up, and the list shows its first page rather than let the database refuse the cast.
     */
    boolean accepts(String key) {
        return switch (this) {
            case LAST_HEARTBEAT -> NEVER.equals(key) || instant(key);
            case STATUS -> TargetListPage.STATUSES.contains(key);
            case HOSTNAME, GROUP -> key.chars().noneMatch(Character::isISOControl);
        };
    }

    private static boolean instant(String key) {
        try {
            Instant at = Instant.parse(key);
            return !at.isBefore(FIRST) && !at.isAfter(LAST);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static Optional<TargetSort> of(String param) {
        return Arrays.stream(values()).filter(s -> s.param.equals(param)).findFirst();
    }
}
