package io.aami.agent.schedule;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition, so tests wait as long as needed on a slow machine and no longer on a fast one. */
final class Waits {
    private Waits() {
    }

    static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
