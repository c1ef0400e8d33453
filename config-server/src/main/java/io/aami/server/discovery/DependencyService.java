package io.aami.server.discovery;

import io.aami.contract.discovery.DependencyGraph;
import io.aami.contract.discovery.DependencyView;
import io.aami.contract.discovery.Peer;
import io.aami.contract.discovery.TargetDiscoveryView;
import io.aami.contract.discovery.UncoveredDependency;
import io.aami.contract.probes.ProbeRequest;
import io.aami.server.config.ServerConfig;
import io.aami.server.db.Database;
import io.aami.server.error.ApiException;
import io.aami.server.targets.TargetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rules of host discovery's read side: a target's services, dependencies (peers resolved by {@link Inventory},
 * covering probes by {@link Coverage}) and connection states; the group graph ({@link GraphBuilder}); and the
 * observed upstream dependencies no probe covers, each with the probe that would ({@link #suggest}).
 */
public final class DependencyService {
    private final Database db;
    private final DiscoveryReadStore store;
    private final TargetStore targets;
    private final List<ServerConfig.InventoryRange> ranges;

    DependencyService(Database db, DiscoveryReadStore store, TargetStore targets, List<ServerConfig.InventoryRange> ranges) {
        this.db = db;
        this.store = store;
        this.targets = targets;
        this.ranges = ranges;
    }

    public TargetDiscoveryView services(UUID target) {
        return db.withConnection(c -> view(c, target, true, false, false));
    }

    public TargetDiscoveryView dependencies(UUID target) {
        return db.inTransaction(c -> view(c, target, false, true, false));
    }

    public TargetDiscoveryView connections(UUID target) {
        return db.withConnection(c -> view(c, target, false, false, true));
    }

    /** Services, dependencies and connections in one snapshot (the console's target page). */
    public TargetDiscoveryView everything(UUID target) {
        return db.inTransaction(c -> view(c, target, true, true, true));
    }

    private TargetDiscoveryView view(Connection c, UUID target, boolean services, boolean edges, boolean states) throws SQLException {
        if (targets.find(c, target).isEmpty()) {
            throw ApiException.notFound("target", target);
        }
        var host = store.host(c, target);
        List<DependencyView> up = new ArrayList<>();
        List<DependencyView> down = new ArrayList<>();
        if (edges && host.isPresent()) {
            for (FleetView.Resolved r : FleetView.read(c, store, ranges, target, true).edges) {
                DiscoveryReadStore.Edge e = r.edge();
                (r.upstream() ? up : down).add(new DependencyView(e.direction(), e.protocol(), e.process(), e.port(), r.peer(),
                        e.count(), e.firstSeen(), e.lastSeen(), r.coveredBy()));
            }
        }
        return new TargetDiscoveryView(target, host.map(DiscoveryReadStore.Host::scannedAt).orElse(null),
                host.map(DiscoveryReadStore.Host::receivedAt).orElse(null), host.map(DiscoveryReadStore.Host::partial).orElse(false),
                host.map(DiscoveryReadStore.Host::truncated).orElse(false),
                services && host.isPresent() ? store.services(c, target) : List.of(), up, down,
                states ? host.map(DiscoveryReadStore.Host::stateTotals).orElse(Map.of()) : Map.of(),
                states && host.isPresent() ? store.states(c, target) : List.of());
    }

    public DependencyGraph graph(UUID group) {
        return db.inTransaction(c -> {
            if (group != null && !groupExists(c, group)) {
                throw ApiException.notFound("group", group);
            }
            return new GraphBuilder().build(FleetView.read(c, store, ranges, null, false), group);
        });
    }

    /** The fleet's resolved edges, for the metrics (one read-only snapshot). */
    FleetView fleet(Connection c) throws SQLException {
        return FleetView.read(c, store, ranges, null, false);
    }

    List<DiscoveryReadStore.Totals> totals(Connection c) throws SQLException {
        return store.totals(c);
    }

    public List<UncoveredDependency> uncovered() {
        return db.inTransaction(c -> {
            Map<String, UncoveredDependency> out = new LinkedHashMap<>();
            FleetView view = FleetView.read(c, store, ranges, null, false);
            for (FleetView.Resolved r : view.edges) {
                if (!r.upstream() || !r.coveredBy().isEmpty()) {
                    continue;
                }
                DiscoveryReadStore.Edge e = r.edge();
                DiscoveryReadStore.TargetRow src = view.inventory.target(e.targetId());
                String key = e.targetId() + "/" + e.protocol() + "/" + e.port() + "/" + e.remote();
                out.merge(key, new UncoveredDependency(src.id(), src.hostname(), src.groupId(), e.protocol(), e.process(), e.port(),
                        r.peer(), e.count(), e.firstSeen(), e.lastSeen(), suggest(src, e, r.peer())), (a, b) -> merged(a, b));
            }
            return List.copyOf(out.values());
        });
    }

    private static UncoveredDependency merged(UncoveredDependency a, UncoveredDependency b) {
        return new UncoveredDependency(a.sourceTargetId(), a.sourceHostname(), a.sourceGroupId(), a.protocol(),
                a.process().equals(b.process()) ? a.process() : a.process() + "," + b.process(), a.port(), a.peer(),
                a.connections() + b.connections(), a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen(), a.probe());
    }

    /**
     * The probe that covers an uncovered edge: from the source's group (the target when it has none), to the peer's
     * group when the peer is a grouped target, else to its address; TCP, or UDP where no answer is fine.
     */
    static ProbeRequest suggest(DiscoveryReadStore.TargetRow src, DiscoveryReadStore.Edge e, Peer peer) {
        boolean toGroup = Inventory.TARGET.equals(peer.kind()) && peer.groupId() != null;
        String from = src.groupId() != null ? src.groupName() : src.hostname();
        String to = toGroup ? peer.groupName() : peer.name();
        String name = ("observed " + from + " to " + to + " " + e.protocol() + "/" + e.port());
        boolean udp = "udp".equals(e.protocol());
        return new ProbeRequest(name.length() > 128 ? name.substring(0, 128) : name,
                "made from an observed dependency (host discovery)", null, null, toGroup ? null : peer.address(),
                toGroup ? peer.groupId() : null, e.port(), udp ? "UDP" : "TCP", 1_000, 60, null, null, udp ? Boolean.TRUE : null,
                src.groupId(), src.groupId() == null ? src.id() : null, null, Map.of(), true);
    }

    private static boolean groupExists(Connection c, UUID group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM groups WHERE id = ?")) {
            ps.setObject(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
