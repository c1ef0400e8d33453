package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/** One stored probe result ({@code GET /api/v1/targets/{id}/probe-results}), newest first. */
public record ProbeResultView(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                              int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                              String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt,
                              Instant receivedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer httpStatus,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double tlsMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double firstByteMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant certNotAfter,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double rttMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double lossPercent) {
    /** A result without the ICMP fields. */
    public ProbeResultView(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                              int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                              String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt,
                              Instant receivedAt,
        Integer httpStatus,
        Double tlsMs,
        Double firstByteMs,
        Instant certNotAfter) {
        this(seq, probeId, destinationTargetId, target, targetIp, targetPort, protocol, sourceIp, sourcePort, success, reason, dnsMs, connectMs, totalMs, executedAt, receivedAt, httpStatus, tlsMs, firstByteMs, certNotAfter, null, null);
    }

    /** A TCP or UDP result (no HTTP fields). */
    public ProbeResultView(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                              int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                              String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt,
                              Instant receivedAt) {
        this(seq, probeId, destinationTargetId, target, targetIp, targetPort, protocol, sourceIp, sourcePort, success, reason, dnsMs, connectMs, totalMs, executedAt, receivedAt, null, null, null, null);
    }

}
