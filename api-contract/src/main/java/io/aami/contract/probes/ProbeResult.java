package io.aami.contract.probes;

import java.time.Instant;

/**
 * The outcome of one probe: a failure is a result with a {@code reason}, never an error.
 * Times are milliseconds with fractions; {@code dns_ms} is null when the target was an address.
 */
public record ProbeResult(String taskId, String sourceIp, int sourcePort, String targetIp, int targetPort, String protocol,
                          boolean success, String reason, Double dnsMs, Double connectMs, double totalMs,
                          Instant executedAt) {
}
