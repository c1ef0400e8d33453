package io.aami.agent.checks;

import io.aami.contract.checks.CheckStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The outcome of one check run, everything a {@code CheckResult} needs but its {@code seq}.
 *
 * @param status     {@link CheckStatus#wire()} form: ok, warning, critical or unknown
 * @param exitCode   the script's exit code (128+n for death by signal n); null when it never ran to an
 *                   exit of its own (timed out, refused, could not start)
 * @param output     merged stdout and stderr, at most the executor's output cap in UTF-8 bytes
 * @param truncated  the script produced more output than was kept
 * @param timedOut   the run exceeded the check's timeout and its process group was killed
 * @param durationMs wall time of the run
 * @param executedAt when the run started
 * @param refusal    null when the script was started; else why the agent did not run it, one of
 *                   {@link Refusal}'s labels (status unknown, the output says more)
 */
public record CheckExecution(UUID checkId, String status, Integer exitCode, String output, boolean truncated,
                             boolean timedOut, long durationMs, Instant executedAt, String refusal) {
    public CheckExecution {
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(executedAt, "executedAt");
    }

    /** A run that was started (no refusal). */
    public CheckExecution(UUID checkId, String status, Integer exitCode, String output, boolean truncated,
                          boolean timedOut, long durationMs, Instant executedAt) {
        this(checkId, status, exitCode, output, truncated, timedOut, durationMs, executedAt, null);
    }
}
