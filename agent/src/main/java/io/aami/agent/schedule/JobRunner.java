package io.aami.agent.schedule;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Starts one run of a job. Called on the scheduler's timer thread, so it must return promptly:
 * hand blocking work to an executor and return the future that completes when the run is over.
 * Until that future completes the job counts as running and its next slots are skipped.
 */
@FunctionalInterface
public interface JobRunner<S> {
    CompletableFuture<?> start(String key, S spec);

    /** A runner for blocking bodies: each run is {@code body.accept(key, spec)} on {@code executor}. */
    static <S> JobRunner<S> blocking(Executor executor, BiConsumer<String, S> body) {
        return (key, spec) -> CompletableFuture.runAsync(() -> body.accept(key, spec), executor);
    }
}
