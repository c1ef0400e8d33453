package io.aami.server.http;

import io.javalin.http.Context;

/**
 * Marks a request that a handler parks on purpose (a long poll), so {@link ApiServer} times it in
 * {@code aami_http_long_poll_duration_seconds} rather than the latency histogram, where every
 * 304 after a full wait would look like a 30-second request. Only a request that really waits is
 * marked: a poll answered at once stays a normal request.
 */
public final class LongPolls {
    private static final String WAITED = "aami.long_poll";

    private LongPolls() {
    }

    /** Call before parking {@code ctx}. */
    public static void mark(Context ctx) {
        ctx.attribute(WAITED, Boolean.TRUE);
    }

    static boolean marked(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(WAITED));
    }
}
