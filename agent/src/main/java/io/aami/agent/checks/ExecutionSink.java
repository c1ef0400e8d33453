package io.aami.agent.checks;

/**
 * Receives every finished check run, on the worker thread that ran it (so concurrently from up to
 * {@code maxConcurrent} threads). Meant to be the durable result spool, which assigns {@code seq}.
 * An exception thrown here is logged and the execution dropped.
 */
@FunctionalInterface
public interface ExecutionSink {
    void accept(CheckExecution execution);
}
