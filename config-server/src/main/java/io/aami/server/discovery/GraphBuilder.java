package io.aami.server.discovery;

import io.aami.contract.discovery.DependencyGraph;
import io.aami.contract.discovery.Peer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sums a {@link FleetView}'s edges into the group-level graph: each host's upstream edges from its group to the
 * peer's group (or external name, or address), and downstream edges only from peers outside the fleet (a peer in
 * the fleet reports the same connection as its own upstream edge, which is counted there).
 */
final class GraphBuilder {
    static final String UNGROUPED = "ungrouped";

    private record Key(String source, String target, int port, String protocol) {
    }

    private static final class Sum {
        long connections;
        final Set<UUID> hosts = new HashSet<>();
        Instant firstSeen;
        Instant lastSeen;
        boolean covered = true;
    }

    private final Map<String, DependencyGraph.Node> nodes = new LinkedHashMap<>();
    private final Map<Key, Sum> sums = new LinkedHashMap<>();

    DependencyGraph build(FleetView view, UUID group) {
        for (FleetView.Resolved r : view.edges) {
            DiscoveryReadStore.Edge e = r.edge();
            String host = groupNode(e.groupId(), view.inventory.target(e.targetId()).groupName());
            String peer = peerNode(r.peer());
            if (!r.upstream() && Inventory.TARGET.equals(r.peer().kind())) {
                continue;
            }
            Key k = r.upstream() ? new Key(host, peer, e.port(), e.protocol()) : new Key(peer, host, e.port(), e.protocol());
            if (group != null && !k.source().equals(group.toString()) && !k.target().equals(group.toString())) {
                continue;
            }
            Sum s = sums.computeIfAbsent(k, x -> new Sum());
            s.connections += e.count();
            s.hosts.add(e.targetId());
            s.firstSeen = s.firstSeen == null || e.firstSeen().isBefore(s.firstSeen) ? e.firstSeen() : s.firstSeen;
            s.lastSeen = s.lastSeen == null || e.lastSeen().isAfter(s.lastSeen) ? e.lastSeen() : s.lastSeen;
            s.covered &= !r.coveredBy().isEmpty();
        }
        List<DependencyGraph.Edge> edges = new ArrayList<>();
        Set<String> used = new HashSet<>();
        sums.forEach((k, s) -> {
            edges.add(new DependencyGraph.Edge(k.source(), k.target(), k.port(), k.protocol(), s.connections, s.hosts.size(),
                    s.firstSeen, s.lastSeen, s.covered));
            used.add(k.source());
            used.add(k.target());
        });
        edges.sort(java.util.Comparator.comparingLong((DependencyGraph.Edge x) -> -x.connections()));
        List<DependencyGraph.Node> kept = nodes.values().stream().filter(n -> used.contains(n.id())).toList();
        List<DependencyGraph.ProbeObservation> probes = view.probes.stream()
                .map(p -> new DependencyGraph.ProbeObservation(p.id(), p.name(), view.coverage.observed(p.id()))).toList();
        return new DependencyGraph(kept, edges, probes);
    }

    /** The node of a group (its id), or {@value #UNGROUPED} for targets in none. */
    String groupNode(UUID groupId, String name) {
        String id = groupId == null ? UNGROUPED : groupId.toString();
        nodes.computeIfAbsent(id, x -> new DependencyGraph.Node(x, "group", groupId == null ? UNGROUPED : name));
        return id;
    }

    String peerNode(Peer peer) {
        return switch (peer.kind()) {
            case Inventory.TARGET -> groupNode(peer.groupId(), peer.groupName());
            case Inventory.EXTERNAL -> node("external:" + peer.name(), "external", peer.name());
            default -> node("address:" + peer.address(), "address", peer.address());
        };
    }

    private String node(String id, String kind, String name) {
        nodes.computeIfAbsent(id, x -> new DependencyGraph.Node(x, kind, name));
        return id;
    }
}
