package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;

/**
 * Whether the Jetty server a request came through is stopping. A request it was still reading when it stopped
 * failed through no fault of the client's: it is answered 503 with a jittered {@code Retry-After}, so the client sends
 * it again (perhaps to another replica) — never 500, and never 400, on which an agent drops a result it was told is bad.
 */
public final class ServerStopping {
    /** What a client is told when this server will not take its request because it is stopping. */
    static final String MESSAGE = "the server is stopping; send the request again";

    private ServerStopping() {
    }

    static boolean of(Request request) {
        return stopping(request.getConnectionMetaData().getConnector().getServer());
    }

    static boolean of(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        return request != null && of(request);
    }

    /** 1–5 s: a fleet cut off together must not come back together. */
    static Duration retryAfter() {
        return Duration.ofSeconds(ThreadLocalRandom.current().nextInt(1, 6));
    }

    /** The 503 for a request this stopping server will not take: the client sends it again, here or to another replica. */
    public static ApiException refusal() {
        return ApiException.retryLater(ErrorCode.SERVER_BUSY, MESSAGE, retryAfter());
    }

    private static boolean stopping(Server server) {
        return server.isStopping() || server.isStopped();
    }
}
