package io.aami.contract.discovery;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the latest discovery reports of a target say ({@code GET /api/v1/targets/{id}/services}, {@code /dependencies},
 * {@code /connections}; each answer fills its own list, the others empty). {@code scannedAt} null: no report yet.
 */
public record TargetDiscoveryView(UUID targetId, Instant scannedAt, Instant receivedAt, boolean partial, boolean truncated,
                                  List<DiscoveredService> services, List<DependencyView> upstream,
                                  List<DependencyView> downstream, Map<String, Long> stateTotals,
                                  List<DiscoveredState> connections) {
}
