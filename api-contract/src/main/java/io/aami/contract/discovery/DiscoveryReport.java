package io.aami.contract.discovery;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One host-discovery summary on the agent's {@code discovery} result stream (its own {@code seq}). {@code kind}
 * {@code full}: the whole picture (services, edges, states replace what the server holds); {@code diff}: only the
 * rows that changed since the report numbered {@code baseSeq} (a row with count 0 is gone), applied by the server
 * only onto that report, else skipped until the next full one. {@code stateTotals}: the host's TCP connections by
 * state, always whole. {@code truncated}: the agent cut rows past {@link DiscoveryLimits}.
 */
public record DiscoveryReport(long seq, String kind, Long baseSeq, Instant scannedAt, boolean partial, boolean truncated,
                              Map<String, Long> stateTotals, List<DiscoveredService> services, List<DiscoveredEdge> edges,
                              List<DiscoveredState> states) {
}
