package io.aami.contract.results;

import java.time.Instant;
import java.util.UUID;

/**
 * One scheduled probe execution, on the agent's probe-result stream (its own {@code seq}).
 * {@code reason} is ok, refused, timeout, no_route, host_unreachable, dns_error, bind_error or invalid.
 */
public record ProbeReport(long seq, UUID probeId, UUID destinationTargetId, String target, String targetIp,
                          int targetPort, String protocol, String sourceIp, Integer sourcePort, boolean success,
                          String reason, Double dnsMs, Double connectMs, double totalMs, Instant executedAt) {
}
