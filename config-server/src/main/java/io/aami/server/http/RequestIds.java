package io.aami.server.http;

import io.javalin.http.Context;
import java.util.concurrent.ThreadLocalRandom;

/** A short id per request, echoed in {@code X-Request-Id}, so a 500 can be found in the log. */
final class RequestIds {
    private static final String ATTRIBUTE = "aami.request_id";

    private RequestIds() {
    }

    static void assign(Context ctx) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("X-Request-Id", id);
    }

    static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }
}
