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
 * Who an address is, from the server's own inventory. An agent runs as root on a host that may be compromised, and
 * the address it reports at enrollment is its own say ({@code ip_address}, {@code reported_ip}); the address its last
 * heartbeat came from is what the server's socket saw. So an address names:
 * <ol>
 *   <li>the target whose last heartbeat came from it, when exactly one did (several: NAT or a proxy, it names none,
 *       and no report can name it either) within ten heartbeat intervals (an older one may be another host's
 *       address by now: {@code DiscoveryReadStore});</li>
 *   <li>else the target that reported it, when exactly one did and it lies in no {@code discovery.inventory} range
 *       (the operator named that range as outside the fleet: a report alone does not take it over);</li>
 *   <li>else the name of the most specific {@code discovery.inventory} range holding it;</li>
 *   <li>else only the address.</li>
 * </ol>
 * A loopback or unspecified address names no target (it is each host's own). A host reporting another host's address (or a database's) therefore neither takes over nor hides a host that
 * heartbeats from its own address, nor a range the operator named; it can only make an address no heartbeat
 * vouches for ambiguous. The server will not guess between two claims of one rank.
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
        inventory.forEach(r -> ranges.add(new Range(Cidr.parse(r.cidr()), r.name())));
        ranges.sort(Comparator.comparingInt((Range r) -> -r.cidr().prefixLength()));
        Map<String, Set<UUID>> seen = new HashMap<>();
        Map<String, Set<UUID>> reported = new HashMap<>();
        for (DiscoveryReadStore.TargetRow t : targets) {
            byId.put(t.id(), t);
            claim(seen, t.id(), t.heartbeatIp());
            claim(reported, t.id(), t.ip());
            claim(reported, t.id(), t.reportedIp());
        }
        seen.forEach((a, ids) -> {
            if (ids.size() == 1) {
                byAddress.put(a, byId.get(ids.iterator().next()));
            }
        });
        reported.forEach((a, ids) -> {
            if (ids.size() == 1 && !seen.containsKey(a) && range(IpText.parse(a)) == null) {
                byAddress.put(a, byId.get(ids.iterator().next()));
            }
        });
    }

    /**
     * A loopback or unspecified address is every host's own, so it never names a target: an agent beside the server
     * heartbeats from 127.0.0.1, and every other host's connections to its own 127.0.0.1 are not to that agent.
     */
    private void claim(Map<String, Set<UUID>> claims, UUID id, String address) {
        String canonical = IpText.canonical(address);
        if (canonical != null && !hostOwn(IpText.parse(canonical))) {
            claims.computeIfAbsent(canonical, k -> new HashSet<>()).add(id);
            addresses.computeIfAbsent(id, k -> new HashSet<>()).add(canonical);
        }
    }

    /** The most specific {@code discovery.inventory} range holding {@code a}, or null. */
    private Range range(InetAddress a) {
        for (Range r : ranges) {
            if (r.cidr().contains(a)) {
                return r;
            }
        }
        return null;
    }

    Peer resolve(String address) {
        return cache.computeIfAbsent(address, this::lookup);
    }

    private Peer lookup(String address) {
        DiscoveryReadStore.TargetRow t = byAddress.get(address);
        if (t != null) {
            return new Peer(TARGET, address, t.id(), t.hostname(), t.groupId(), t.groupName(), t.hostname());
        }
        Range r = range(IpText.parse(address));
        return r != null ? new Peer(EXTERNAL, address, null, null, null, null, r.name())
                : new Peer(ADDRESS, address, null, null, null, null, address);
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

    /** A host-local edge, of no interest between hosts: the peer is the host itself, or a loopback or unspecified address. */
    static boolean local(UUID source, Peer peer) {
        if (TARGET.equals(peer.kind())) {
            return source.equals(peer.targetId());
        }
        return hostOwn(IpText.parse(peer.address()));
    }

    private static boolean hostOwn(InetAddress a) {
        return a.isLoopbackAddress() || a.isAnyLocalAddress();
    }
}
