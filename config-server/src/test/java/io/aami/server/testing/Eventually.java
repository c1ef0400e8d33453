package io.aami.server.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition of a running system (a server, an agent, a process). A condition that
 * throws counts as not met yet: the thing asked may not be up.
 */
public final class Eventually {
    private Eventually() {
    }

    /**
     * Polls {@code condition} every 20ms until it holds or {@code limit} passed; whether it held. For
     * in-process conditions that cannot fail to be asked (an exception fails the test at once).
     */
    public static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    public static void eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        eventually(within, "condition", condition, () -> "");
    }

    public static void eventually(Duration within, String what, BooleanSupplier condition) throws InterruptedException {
        eventually(within, what, condition, () -> "");
    }

    /** As {@link #eventually(Duration, String, BooleanSupplier)}; a failure shows {@code logs}. */
    public static void eventually(Duration within, String what, BooleanSupplier condition, Supplier<String> logs)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            if (Instant.now().isAfter(deadline)) {
                String shown = logs.get();
                throw new AssertionError(what + " did not happen within " + within + (shown.isEmpty() ? "" : "; logs:\n" + shown));
            }
            Thread.sleep(50);
        }
    }
}
