package io.aami.server.console;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One computation at a time, shared: a caller arriving while one runs takes its result instead of starting another.
 * For a summary every open console tab polls (and any token may ask for in a loop): however many ask, the database
 * sums the fleet at most once at a time per replica. A caller alone always gets a fresh computation, so there is no
 * reuse window in which a change would not show.
 */
final class Coalesced<T> {
    private final Supplier<T> compute;
    private final AtomicReference<CompletableFuture<T>> running = new AtomicReference<>();

    Coalesced(Supplier<T> compute) {
        this.compute = compute;
    }

    T get() {
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> other = running.compareAndExchange(null, mine);
        if (other != null) {
            return join(other);
        }
        try {
            T value = compute.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.set(null);
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            // The computing caller's own failure (a 503 when the database is away), as it saw it.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
