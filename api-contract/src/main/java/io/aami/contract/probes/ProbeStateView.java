package io.aami.contract.probes;

import java.time.Instant;
import java.util.UUID;

/**
 * The latest result of one probe destination on one target ({@code GET /api/v1/targets/{id}/probes}):
 * one row per destination the target's policy holds, a group-to-group probe giving one per member.
 * {@code stale} is true when no result arrived within 2 × interval + timeout, or the agent is offline;
 * {@code success} is null when the destination has not reported yet.
 */
public record ProbeStateView(UUID probeId, String name, UUID destinationTargetId, String target, int targetPort,
                             String protocol, String targetIp, Boolean success, String reason, Double totalMs,
                             Instant executedAt, Long seq, boolean stale) {
}
