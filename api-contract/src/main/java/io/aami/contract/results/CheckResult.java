package io.aami.contract.results;

import java.time.Instant;
import java.util.UUID;

/**
 * One check execution. {@code seq} numbers the agent's check-result stream: strictly increasing,
 * never reused within the batch's stream epoch ({@link StreamEpochs}), surviving restarts; the server
 * uses (epoch, seq) to store each result exactly once.
 * {@code status} is ok, warning, critical or unknown.
 */
public record CheckResult(long seq, UUID checkId, String status, Integer exitCode, String output, boolean truncated,
                          boolean timedOut, long durationMs, Instant executedAt) {
}
