package io.aami.contract.discovery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One observed dependency of a target: {@code port} is the service's (the remote one upstream, the local one
 * downstream). {@code coveredBy}: the enabled probes whose source and destination take in this edge (upstream
 * edges, and downstream ones from a peer in the fleet); empty when none does. {@code lastSeen} is the host's last
 * report while the edge is present.
 */
public record DependencyView(String direction, String protocol, String process, int port, Peer peer, long connections,
                             Instant firstSeen, Instant lastSeen, List<UUID> coveredBy) {
}
