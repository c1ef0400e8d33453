package io.aami.contract.probes;

import java.time.Instant;
import java.util.UUID;

/** One stored probe result ({@code GET /api/v1/targets/{id}/probe-results}), newest first. */
public record ProbeResultView(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                              int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                              String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt,
                              Instant receivedAt) {
}
