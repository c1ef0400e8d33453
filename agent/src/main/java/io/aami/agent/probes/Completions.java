package io.aami.agent.probes;

import io.aami.contract.probes.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Completes probe futures off the loop thread, in batches: the loop collects the results of one
 * iteration and hands them over as a single task. Whatever callers chain onto a future (even a
 * blocking callback) then runs on the completion thread and can delay only other completions,
 * never probing, timeouts or slot release; the hand-off costs one task per loop iteration, not
 * one per probe.
 *
 * <p>A result is delivered only after the loop's next select: the JDK closes the socket of a
 * registered channel only when that select deregisters it, and a caller that got its result must
 * find the probe's port released (a pinned source port can be reused at once). The loop
 * {@link #seal() seals} the batch before selecting and {@link #deliverSealed() delivers} it after.
 */
final class Completions {
    private record Completed(ProbeAttempt attempt, ProbeResult result) {
        void deliver() {
            attempt.sink.complete(attempt.index, result);
        }
    }

    private final Executor executor;
    private List<Completed> open = new ArrayList<>();
    private List<Completed> sealed = List.of();

    Completions(Executor executor) {
        this.executor = executor;
    }

    /** Loop thread only. */
    void add(ProbeAttempt attempt, ProbeResult result) {
        open.add(new Completed(attempt, result));
    }

    /** Loop thread, before a select: true when results wait for that select to close their sockets. */
    boolean seal() {
        if (open.isEmpty()) {
            return !sealed.isEmpty();
        }
        if (sealed.isEmpty()) {
            sealed = open;
            open = new ArrayList<>(Math.min(sealed.size(), 1024));
        } else {
            sealed.addAll(open); // only after a failed select: keep what was sealed before it
            open.clear();
        }
        return true;
    }

    /**
     * Loop thread, after the select: completes the sealed results of {@link ResultSink#direct() direct} sinks
     * itself (no caller code runs) and hands the others to the completion thread in one task.
     */
    void deliverSealed() {
        if (sealed.isEmpty()) {
            return;
        }
        List<Completed> ready = new ArrayList<>();
        for (Completed c : sealed) {
            if (c.attempt().sink.direct()) {
                c.deliver();
            } else {
                ready.add(c);
            }
        }
        sealed = List.of();
        if (ready.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> completeAll(ready));
        } catch (RejectedExecutionException e) {
            completeAll(ready); // the engine is closing: completing here is all that is left
        }
    }

    private static void completeAll(List<Completed> ready) {
        for (Completed c : ready) {
            c.deliver();
        }
    }
}
