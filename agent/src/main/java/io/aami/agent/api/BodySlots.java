package io.aami.agent.api;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many requests may read and hold a body at once, across every route. A parsed body and what a
 * route builds from it (a 10,000-probe run, a batch of results) take some bytes of heap per byte on the
 * wire; any local user may call the API, and 24 concurrent hostile bodies once took the agent past its
 * heap. With {@link #SLOTS} slots, the heap a set of concurrent requests can take is {@link #SLOTS}
 * times the largest route's bound, whatever the number of callers. A request waits up to {@link #WAIT}
 * for a slot (cron jobs posting at the same minute take turns), then is refused 503 {@code BUSY} with
 * {@code Retry-After}, its body unread. Slots are taken only by requests that read a body.
 */
final class BodySlots {
    static final int SLOTS = 2;
    static final long WAIT_MILLIS = 500;

    private final Semaphore slots = new Semaphore(SLOTS);

    /** Takes a slot, waiting at most {@link #WAIT_MILLIS}; else 503 {@code BUSY}. */
    void take(Exchange ex) {
        boolean taken;
        try {
            taken = slots.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = false;
        }
        if (!taken) {
            ex.responseHeader("Retry-After", "1");
            throw new LocalApiException(503, "BUSY", "the local API is reading " + SLOTS + " other request bodies;"
                    + " nothing was done, retry in 1 s");
        }
    }

    void give() {
        slots.release();
    }
}
