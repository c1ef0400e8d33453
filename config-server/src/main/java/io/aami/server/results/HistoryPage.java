package io.aami.server.results;

import java.time.Instant;

/**
 * One page of a result history, newest first: rows executed at or after {@code since} and strictly
 * before the ({@code beforeExecutedAt}, {@code beforeSeq}) mark of the previous page's last row, at
 * most {@code limit} of them. A plain value: {@link HistoryPages} reads it from a request.
 */
public record HistoryPage(Instant since, Instant beforeExecutedAt, long beforeSeq, int limit) {
    private static final Instant END = Instant.parse("9999-12-31T00:00:00Z");

    /** The first page: no mark yet. */
    public static HistoryPage first(Instant since, int limit) {
        return new HistoryPage(since, END, Long.MAX_VALUE, limit);
    }
}
