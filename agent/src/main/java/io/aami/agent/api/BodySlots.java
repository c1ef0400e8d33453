package io.aami.agent.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many requests may read and hold a body at once, per {@link BodyPool}. A parsed body and what a
 * route builds from it (a 10,000-probe run, a batch of results) take some bytes of heap per byte on the
 * wire; any local user may call the API, and 24 concurrent hostile bodies once took the agent past its
 * heap. With a fixed number of slots per pool, the heap a set of concurrent requests can take is each
 * pool's slots times its largest route's bound, whatever the number of callers. A request waits up to
 * {@link #WAIT_MILLIS} for a slot of its pool (cron jobs posting at the same minute take turns), then is
 * refused 503 {@code BUSY} with {@code Retry-After}, its body unread. Slots are taken only by requests
 * that read a body, and given back once the answer is built, before it is written: a client that never
 * reads its answer must not keep a slot (the JDK server's response timeout closes it).
 */
final class BodySlots {
    static final long WAIT_MILLIS = 500;

    private final Map<BodyPool, Semaphore> pools = new EnumMap<>(BodyPool.class);

    BodySlots() {
        for (BodyPool pool : BodyPool.values()) {
            pools.put(pool, new Semaphore(pool.slots()));
        }
    }

    /** Takes a slot of {@code pool}, waiting at most {@link #WAIT_MILLIS}; else 503 {@code BUSY}. */
    void take(BodyPool pool, Exchange ex) {
        boolean taken;
        try {
            taken = pools.get(pool).tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = false;
        }
        if (!taken) {
            ex.responseHeader("Retry-After", "1");
            throw new LocalApiException(503, "BUSY", "the local API is reading " + pool.slots() + " other request bodies"
                    + " of this kind; nothing was done, retry in 1 s");
        }
    }

    void give(BodyPool pool) {
        pools.get(pool).release();
    }
}
