package io.aami.server.discovery;

import io.aami.contract.discovery.Peer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The fleet's present edges read in one snapshot with the inventory and the enabled probes, each edge's peer
 * resolved and its covering probes found: what the graph, the uncovered list and the metrics are made from.
 */
final class FleetView {
    /** An edge between hosts (host-local ones left out), resolved. */
    record Resolved(DiscoveryReadStore.Edge edge, Peer peer, List<UUID> coveredBy) {
        boolean upstream() {
            return "upstream".equals(edge.direction());
        }
    }

    final Inventory inventory;
    final Coverage coverage;
    final List<DiscoveryReadStore.ProbeRow> probes;
    final List<Resolved> edges = new ArrayList<>();

    private FleetView(Inventory inventory, List<DiscoveryReadStore.ProbeRow> probes) {
        this.inventory = inventory;
        this.probes = probes;
        this.coverage = new Coverage(probes, inventory);
    }

    /** {@code target} null: every target's edges. */
    static FleetView read(Connection c, DiscoveryReadStore store, List<io.aami.server.config.ServerConfig.InventoryRange> ranges,
                          UUID target, boolean keepLocal) throws SQLException {
        FleetView v = new FleetView(new Inventory(store.targets(c), ranges), store.probes(c));
        for (DiscoveryReadStore.Edge e : store.edges(c, target)) {
            Peer peer = v.inventory.resolve(e.remote());
            if (!keepLocal && Inventory.local(e.targetId(), peer)) {
                continue;
            }
            List<UUID> covered = "upstream".equals(e.direction())
                    ? v.coverage.covering(e.targetId(), e.protocol(), e.port(), peer)
                    : v.coverage.coveringInbound(e.targetId(), e.protocol(), e.port(), peer);
            v.edges.add(new Resolved(e, peer, covered));
        }
        return v;
    }
}
