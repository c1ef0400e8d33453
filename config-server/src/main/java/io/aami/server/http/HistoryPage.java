package io.aami.server.http;

import io.aami.server.error.ApiException;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a result history, newest first: rows executed at or after {@code since} and strictly
 * before the ({@code beforeExecutedAt}, {@code beforeSeq}) mark of the previous page's last row.
 * Read from {@code ?since=&limit=&continue=}; the next page's mark goes out in {@code Aami-Continue}.
 */
public record HistoryPage(Instant since, Instant beforeExecutedAt, long beforeSeq, int limit) {
    private static final Instant END = Instant.parse("9999-12-31T00:00:00Z");

    /** The page a request asks for; a bad parameter is a 400 naming it. */
    public static HistoryPage of(Context ctx) {
        int limit = Fields.queryInt(ctx, "limit", 100, 1, 1000);
        Instant since = Timestamps.parse("since", ctx.queryParam("since"));
        if (since == null) {
            since = Instant.EPOCH;
        }
        String mark = ctx.queryParam("continue");
        if (mark == null || mark.isBlank()) {
            return new HistoryPage(since, END, Long.MAX_VALUE, limit);
        }
        String[] parts = mark.split(":");
        try {
            long micros = Long.parseLong(parts[0]);
            Instant before = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
            if (parts.length != 2 || !Timestamps.storable(before)) {
                throw new IllegalArgumentException("not a mark we sent");
            }
            return new HistoryPage(since, before, Long.parseLong(parts[1]), limit);
        } catch (RuntimeException e) {
            throw ApiException.invalid("continue", "is not a value from the Aami-Continue header");
        }
    }

    /** Sends {@code page}, with the mark of its last row when more may follow. */
    public <T> void reply(Context ctx, List<T> page, Function<T, Instant> executedAt, Function<T, Long> seq) {
        if (page.size() == limit) {
            T last = page.get(page.size() - 1);
            // Microseconds, PostgreSQL's precision: milliseconds would skip rows within the same millisecond.
            Instant at = executedAt.apply(last);
            ctx.header("Aami-Continue", (at.getEpochSecond() * 1_000_000L + at.getNano() / 1000) + ":" + seq.apply(last));
        }
        ctx.json(page);
    }
}
