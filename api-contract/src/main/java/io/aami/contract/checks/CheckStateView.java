package io.aami.contract.checks;

import java.time.Instant;
import java.util.UUID;

/**
 * The latest result of one check on one target ({@code GET /api/v1/targets/{id}/checks}).
 * {@code stale} is true when no result arrived within 2 × interval + timeout, or the agent is offline;
 * {@code status} is null when the check has not reported yet.
 */
public record CheckStateView(UUID checkId, String name, String status, Integer exitCode, String output, Boolean truncated,
                             Boolean timedOut, Long durationMs, Instant executedAt, Long seq, boolean stale) {
}
