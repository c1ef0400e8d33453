package io.aami.bench;

import java.util.concurrent.Callable;

/**
 * Runs a benchmark's work with a JVM shutdown hook for the time it runs: Ctrl-C or SIGTERM ends the JVM
 * without leaving the work's try blocks, so what must still happen then (a partial report, child JVMs and
 * the embedded PostgreSQL stopped) is the hook's. Once the work returns the hook is removed.
 */
final class UntilSignal {
    private UntilSignal() {
    }

    static <T> T run(String name, Runnable onSignal, Callable<T> work) throws Exception {
        Thread hook = new Thread(onSignal, name);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.call();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs (or ran)
            }
        }
    }
}
