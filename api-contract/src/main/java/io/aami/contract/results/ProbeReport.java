package io.aami.contract.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/**
 * One scheduled probe execution, on the agent's probe-result stream (its own {@code seq}).
 * {@code reason} is a {@link io.aami.contract.probes.ProbeReason} wire name; the HTTP fields are null for TCP and UDP.
 */
public record ProbeReport(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                          int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                          String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer httpStatus,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double tlsMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double firstByteMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant certNotAfter,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double rttMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double lossPercent) {
    /** A result without the ICMP fields. */
    public ProbeReport(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                          int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                          String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt,
        Integer httpStatus,
        Double tlsMs,
        Double firstByteMs,
        Instant certNotAfter) {
        this(seq, probeId, destinationTargetId, target, targetIp, targetPort, protocol, sourceIp, sourcePort, success, reason, dnsMs, connectMs, totalMs, executedAt, httpStatus, tlsMs, firstByteMs, certNotAfter, null, null);
    }

    /** A TCP or UDP result (no HTTP fields). */
    public ProbeReport(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                          int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                          String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt) {
        this(seq, probeId, destinationTargetId, target, targetIp, targetPort, protocol, sourceIp, sourcePort, success, reason, dnsMs, connectMs, totalMs, executedAt, null, null, null, null);
    }

}
