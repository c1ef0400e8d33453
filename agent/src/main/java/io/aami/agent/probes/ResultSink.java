package io.aami.agent.probes;

import io.aami.contract.probes.ProbeResult;
import java.util.concurrent.CompletableFuture;

/**
 * Where a probe's result goes: a caller's future, or a slot of a {@link ProbeBatch} a thread waits on.
 * {@code index} is the probe's place in its batch (0 for a single future).
 */
interface ResultSink {
    void complete(int index, ProbeResult result);

    void fail(int index, Throwable failure);

    /**
     * True when completing runs no caller code (it only stores the result and, for the last one, wakes a
     * waiting thread), so the loop may complete it itself, with no hand-off to the completion thread. A
     * future's dependents are caller code: a future is never direct.
     */
    boolean direct();

    static ResultSink of(CompletableFuture<ProbeResult> future) {
        return new ResultSink() {
            @Override
            public void complete(int index, ProbeResult result) {
                future.complete(result);
            }

            @Override
            public void fail(int index, Throwable failure) {
                future.completeExceptionally(failure);
            }

            @Override
            public boolean direct() {
                return false;
            }
        };
    }
}
