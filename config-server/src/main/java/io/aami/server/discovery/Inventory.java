package io.aami.server.discovery;

import io.aami.contract.discovery.Peer;
import io.aami.server.config.ServerConfig;
import io.aami.server.security.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who an address is, from the server's own inventory: the target that has it (its operator-given address, the
 * address it reported at enrollment, or the one its last heartbeat came from) when exactly one target does; else the
 * name of the most specific {@code discovery.inventory} range holding it; else only the address. An address two
 * targets share (NAT, a reused address) names neither: the server will not guess.
 */
final class Inventory {
    static final String TARGET = "target";
    static final String EXTERNAL = "external";
    static final String ADDRESS = "address";

    private record Range(Cidr cidr, String name) {
    }

    private final Map<String, DiscoveryReadStore.TargetRow> byAddress = new HashMap<>();
    private final Map<UUID, DiscoveryReadStore.TargetRow> byId = new HashMap<>();
    private final Map<UUID, Set<String>> addresses = new HashMap<>();
    private final List<Range> ranges = new ArrayList<>();
    private final Map<String, Peer> cache = new HashMap<>();

    Inventory(List<DiscoveryReadStore.TargetRow> targets, List<ServerConfig.InventoryRange> inventory) {
        Map<String, Set<UUID>> claims = new HashMap<>();
        for (DiscoveryReadStore.TargetRow t : targets) {
            byId.put(t.id(), t);
            for (String a : new String[] {t.ip(), t.reportedIp(), t.heartbeatIp()}) {
                String canonical = IpText.canonical(a);
                if (canonical != null) {
                    claims.computeIfAbsent(canonical, k -> new HashSet<>()).add(t.id());
                    addresses.computeIfAbsent(t.id(), k -> new HashSet<>()).add(canonical);
                }
            }
        }
        claims.forEach((a, ids) -> {
            if (ids.size() == 1) {
                byAddress.put(a, byId.get(ids.iterator().next()));
            }
        });
        inventory.forEach(r -> ranges.add(new Range(Cidr.parse(r.cidr()), r.name())));
        ranges.sort(Comparator.comparingInt((Range r) -> -r.cidr().prefixLength()));
    }

    Peer resolve(String address) {
        return cache.computeIfAbsent(address, this::lookup);
    }

    private Peer lookup(String address) {
        DiscoveryReadStore.TargetRow t = byAddress.get(address);
        if (t != null) {
            return new Peer(TARGET, address, t.id(), t.hostname(), t.groupId(), t.groupName(), t.hostname());
        }
        InetAddress a = IpText.parse(address);
        for (Range r : ranges) {
            if (r.cidr().contains(a)) {
                return new Peer(EXTERNAL, address, null, null, null, null, r.name());
            }
        }
        return new Peer(ADDRESS, address, null, null, null, null, address);
    }

    DiscoveryReadStore.TargetRow target(UUID id) {
        return byId.get(id);
    }

    /** Whether {@code nameOrAddress} (a probe's {@code target}) names target {@code id}: its hostname or one of its addresses. */
    boolean names(String nameOrAddress, UUID id) {
        DiscoveryReadStore.TargetRow t = byId.get(id);
        if (t == null || nameOrAddress == null) {
            return false;
        }
        String canonical = IpText.canonical(nameOrAddress);
        return canonical != null ? addresses.getOrDefault(id, Set.of()).contains(canonical) : nameOrAddress.equalsIgnoreCase(t.hostname());
    }

    /**
     * A host-local edge, of no interest between hosts: the peer is the host itself, or a loopback or unspecified address
     * no other target claims.
     */
    static boolean local(UUID source, Peer peer) {
        if (TARGET.equals(peer.kind())) {
            return source.equals(peer.targetId());
        }
        InetAddress a = IpText.parse(peer.address());
        return a.isLoopbackAddress() || a.isAnyLocalAddress();
    }
}
