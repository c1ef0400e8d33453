package io.aami.bench;

/**
 * How many enrollments the fleet sends at once, adapted to the server's answers (AIMD, as TCP does):
 * one more for every window's worth of successes, half as many after a 429 or 503 (the server's
 * enrollment queue or rate limit is full), at least one and at most {@link #MAX}. Without it a fixed
 * number of lanes kept the server's enrollment turns and pool full, and a loaded server answered a
 * share of them with 503 while the rest of the fleet's traffic waited behind them.
 */
final class EnrollWindow {
    static final int MAX = Fleet.LANES;

    private double window;
    private int inFlight;

    EnrollWindow(int start) {
        this.window = Math.max(1, Math.min(MAX, start));
    }

    /** Waits until one more enrollment fits in the window. */
    synchronized void acquire() throws InterruptedException {
        while (inFlight >= (int) window) {
            wait();
        }
        inFlight++;
    }

    /** One enrollment attempt ended with {@code status} (0: no answer). */
    synchronized void release(int status) {
        inFlight--;
        if (status == 429 || status == 503) {
            window = Math.max(1, window / 2);
        } else if (status / 100 == 2) {
            window = Math.min(MAX, window + 1 / window);
        }
        notifyAll();
    }

    synchronized int size() {
        return (int) window;
    }
}
