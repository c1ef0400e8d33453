package io.aami.server.results;

import io.aami.server.http.Params;
import io.aami.server.error.ApiException;
import io.aami.server.http.Timestamps;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a {@link HistoryPage} from {@code ?since=&limit=&continue=} and sends a page with the next
 * page's mark in {@code Aami-Continue}: the HTTP side of result histories, used by their handlers.
 */
public final class HistoryPages {
    private HistoryPages() {
    }

    /** The page a request asks for; a bad parameter is a 400 naming it. */
    public static HistoryPage of(Context ctx) {
        int limit = Params.queryInt(ctx, "limit", 100, 1, 1000);
        Instant since = Timestamps.parse("since", ctx.queryParam("since"));
        if (since == null) {
            since = Instant.EPOCH;
        }
        String mark = ctx.queryParam("continue");
        if (mark == null || mark.isBlank()) {
            return HistoryPage.first(since, limit);
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

    /** Sends {@code rows}, with the mark of the last row when more may follow. */
    public static <T> void reply(Context ctx, HistoryPage page, List<T> rows, Function<T, Instant> executedAt, Function<T, Long> seq) {
        if (rows.size() == page.limit()) {
            T last = rows.get(rows.size() - 1);
            // Microseconds, PostgreSQL's precision: milliseconds would skip rows within the same millisecond.
            Instant at = executedAt.apply(last);
            ctx.header("Aami-Continue", (at.getEpochSecond() * 1_000_000L + at.getNano() / 1000) + ":" + seq.apply(last));
        }
        ctx.json(rows);
    }
}
