package io.aami.contract.probes;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The outcome of one probe: a failure is a result with a {@code reason}, never an error.
 * Times are milliseconds with fractions; {@code dns_ms} is null when the target was an address.
 */
public record ProbeResult(String taskId, String sourceIp, int sourcePort, String targetIp, int targetPort, String protocol,
                          boolean success, String reason, Double dnsMs, Double connectMs, double totalMs,
                          Instant executedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer httpStatus,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double tlsMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double firstByteMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant certNotAfter) {
    /** A TCP or UDP result (no HTTP fields). */
    public ProbeResult(String taskId, String sourceIp, int sourcePort, String targetIp, int targetPort, String protocol,
                          boolean success, String reason, Double dnsMs, Double connectMs, double totalMs,
                          Instant executedAt) {
        this(taskId, sourceIp, sourcePort, targetIp, targetPort, protocol, success, reason, dnsMs, connectMs, totalMs, executedAt, null, null, null, null);
    }

}
