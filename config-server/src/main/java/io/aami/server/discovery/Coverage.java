package io.aami.server.discovery;

import io.aami.contract.discovery.Peer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Declared against observed: an enabled probe covers a connection from a source target to a destination at a port
 * when the probe runs on the source (global, the source's group, or the source itself), probes that port with a
 * matching protocol (tcp: TCP, HTTP or HTTPS; udp: UDP), and its destination is the destination: the destination
 * target's group for a group-to-group probe, else its {@code target} names it (an address of it, or a target's
 * hostname). Remembers which probes covered something, for "was traffic observed".
 */
final class Coverage {
    private final List<DiscoveryReadStore.ProbeRow> probes;
    private final Inventory inventory;
    private final Set<UUID> observed = new HashSet<>();

    Coverage(List<DiscoveryReadStore.ProbeRow> probes, Inventory inventory) {
        this.probes = probes;
        this.inventory = inventory;
    }

    /** The probes covering a connection from {@code source} to {@code peer} at {@code port}. */
    List<UUID> covering(UUID source, String protocol, int port, Peer peer) {
        DiscoveryReadStore.TargetRow src = inventory.target(source);
        List<UUID> out = new ArrayList<>();
        if (src == null) {
            return out;
        }
        for (DiscoveryReadStore.ProbeRow p : probes) {
            if (p.port() == port && protocolMatches(p.protocol(), protocol) && runsOn(p, src) && reaches(p, peer)) {
                out.add(p.id());
                observed.add(p.id());
            }
        }
        return out;
    }

    /** A downstream connection: from {@code peer} (a target) to {@code host}'s {@code port}. */
    List<UUID> coveringInbound(UUID host, String protocol, int port, Peer peer) {
        if (!Inventory.TARGET.equals(peer.kind())) {
            return List.of();
        }
        DiscoveryReadStore.TargetRow dest = inventory.target(host);
        return covering(peer.targetId(), protocol, port, new Peer(Inventory.TARGET, peer.address(), host, dest.hostname(),
                dest.groupId(), dest.groupName(), dest.hostname()));
    }

    boolean observed(UUID probe) {
        return observed.contains(probe);
    }

    private static boolean protocolMatches(String probe, String observed) {
        return "udp".equals(observed) ? "UDP".equals(probe) : !"UDP".equals(probe);
    }

    private static boolean runsOn(DiscoveryReadStore.ProbeRow p, DiscoveryReadStore.TargetRow src) {
        return switch (p.scope()) {
            case "global" -> true;
            case "group" -> p.groupId().equals(src.groupId());
            default -> p.targetId().equals(src.id());
        };
    }

    private boolean reaches(DiscoveryReadStore.ProbeRow p, Peer peer) {
        if (p.targetGroupId() != null) {
            return p.targetGroupId().equals(peer.groupId());
        }
        if (Inventory.TARGET.equals(peer.kind()) && inventory.names(p.target(), peer.targetId())) {
            return true;
        }
        String canonical = IpText.canonical(p.target());
        // A host name that is no target's would need DNS to compare: not taken as covering (the server resolves nothing).
        return canonical != null && canonical.equals(peer.address());
    }
}
