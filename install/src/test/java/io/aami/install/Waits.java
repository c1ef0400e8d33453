package io.aami.install;

import io.aami.server.testing.Eventually;
import java.time.Duration;
import java.util.function.BooleanSupplier;

final class Waits {
    private Waits() {
    }

    static void eventually(Duration within, String what, BooleanSupplier condition) throws InterruptedException {
        Eventually.eventually(within, what, condition);
    }

    /** As {@link #eventually(Duration, String, BooleanSupplier)}; a failure shows {@code logs}. */
    static void eventually(Duration within, String what, BooleanSupplier condition, java.util.function.Supplier<String> logs)
            throws InterruptedException {
        Eventually.eventually(within, what, condition, logs);
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
