package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The outcome of one probe: a failure is a result with a {@code reason}, never an error.
 * Times are milliseconds with fractions; {@code dns_ms} is null when the target was an address. ICMP results carry
 * {@code rtt_ms} (the mean round trip of the echo replies, null when none came) and {@code loss_percent} (echo requests
 * without a reply, of those sent); their ports are 0.
 */
public record ProbeResult(String taskId, String sourceIp, int sourcePort, String targetIp, int targetPort, String protocol,
                          boolean success, String reason, Double dnsMs, Double connectMs, double totalMs,
                          Instant executedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer httpStatus,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double tlsMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double firstByteMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant certNotAfter,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double rttMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double lossPercent) {
    /** A result without the ICMP fields. */
    public ProbeResult(String taskId, String sourceIp, int sourcePort, String targetIp, int targetPort, String protocol,
                          boolean success, String reason, Double dnsMs, Double connectMs, double totalMs,
                          Instant executedAt,
        Integer httpStatus,
        Double tlsMs,
        Double firstByteMs,
        Instant certNotAfter) {
        this(taskId, sourceIp, sourcePort, targetIp, targetPort, protocol, success, reason, dnsMs, connectMs, totalMs, executedAt, httpStatus, tlsMs, firstByteMs, certNotAfter, null, null);
    }

    /** A TCP or UDP result (no HTTP fields). */
    public ProbeResult(String taskId, String sourceIp, int sourcePort, String targetIp, int targetPort, String protocol,
                          boolean success, String reason, Double dnsMs, Double connectMs, double totalMs,
                          Instant executedAt) {
        this(taskId, sourceIp, sourcePort, targetIp, targetPort, protocol, success, reason, dnsMs, connectMs, totalMs, executedAt, null, null, null, null);
    }

}
