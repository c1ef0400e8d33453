package io.aami.contract.checks;

import java.time.Instant;
import java.util.UUID;

/** One stored result ({@code GET /api/v1/targets/{id}/check-results}), newest first. */
public record CheckResultView(long seq, UUID checkId, String status, Integer exitCode, String output, boolean truncated,
                              boolean timedOut, long durationMs, Instant executedAt, Instant receivedAt) {
}
