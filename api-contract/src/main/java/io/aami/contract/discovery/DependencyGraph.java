package io.aami.contract.discovery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/dependencies[?group_id=]}: the fleet's observed dependencies between groups and the names
 * outside the fleet (only edges touching {@code group_id} when given). A node is a group ({@code id} its UUID),
 * an external name from {@code discovery.inventory} ({@code external:<name>}) or an address no one claims
 * ({@code address:<ip>}). An edge sums the connections of every host of its source to its destination at one
 * port and protocol; {@code covered} is true when a probe takes in every host's part of it. {@code probes}: each
 * enabled probe, and whether traffic it covers was observed.
 */
public record DependencyGraph(List<Node> nodes, List<Edge> edges, List<ProbeObservation> probes) {
    public record Node(String id, String kind, String name) {
    }

    public record Edge(String source, String target, int port, String protocol, long connections, int hosts,
                       Instant firstSeen, Instant lastSeen, boolean covered) {
    }

    public record ProbeObservation(UUID probeId, String name, boolean observed) {
    }
}
