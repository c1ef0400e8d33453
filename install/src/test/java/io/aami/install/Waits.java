package io.aami.install;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

final class Waits {
    private Waits() {
    }

    static void eventually(Duration within, String what, BooleanSupplier condition) throws InterruptedException {
        eventually(within, what, condition, () -> "");
    }

    /** As {@link #eventually(Duration, String, BooleanSupplier)}; a failure shows {@code logs}. */
    static void eventually(Duration within, String what, BooleanSupplier condition, java.util.function.Supplier<String> logs)
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
                throw new AssertionError(what + " did not happen within " + within + "; logs:\n" + logs.get());
            }
            Thread.sleep(100);
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
