package io.aami.agent.discoveryreport;

import io.aami.contract.discovery.DiscoveredEdge;
import io.aami.contract.discovery.DiscoveredService;
import io.aami.contract.discovery.DiscoveredState;
import java.util.Map;

/**
 * The compact picture of one scan that goes to the server: rows by their key (count 0 in the key) with their
 * counts, the host's TCP connections by state, whether the scan saw only part of the host, and whether rows were
 * cut at api-contract's {@code DiscoveryLimits}. Immutable.
 */
record Summary(Map<DiscoveredService, Long> services, Map<DiscoveredEdge, Long> edges, Map<DiscoveredState, Long> states,
               Map<String, Long> totals, boolean partial, boolean truncated) {
}
