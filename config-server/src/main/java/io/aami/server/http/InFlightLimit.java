package io.aami.server.http;

import io.aami.contract.ErrorCode;
import io.aami.server.error.ApiException;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds how many requests to credential-less routes (enrollment, the CA certificate, public metrics)
 * are handled at once. Without it, a few hundred connections that declare a body and trickle it in,
 * each from its own address, held every worker thread and nobody else was answered. Beyond the bound
 * a request is refused at once with 503 and {@code Retry-After}, before its body is read; it never
 * waits for a thread, so agents and admins keep the rest of the pool.
 */
final class InFlightLimit {
    private static final String PERMIT = "aami.in_flight_permit";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Semaphore permits;

    InFlightLimit(int max) {
        this.permits = new Semaphore(max);
    }

    /** Takes a permit for this request (returned by {@link #release}) or refuses it with 503. */
    void acquire(Context ctx) {
        if (!permits.tryAcquire()) {
            throw ApiException.retryLater(ErrorCode.SERVER_BUSY,
                    "too many unauthenticated requests in progress; retry later", RETRY_AFTER);
        }
        ctx.attribute(PERMIT, new AtomicBoolean());
    }

    /** Returns the request's permit, if it took one; safe to call more than once. */
    void release(Context ctx) {
        AtomicBoolean released = ctx.attribute(PERMIT);
        if (released != null && released.compareAndSet(false, true)) {
            permits.release();
        }
    }

    int available() {
        return permits.availablePermits();
    }
}
