package io.aami.agent.discovery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link Scan} into the series of a {@link DiscoveryView}: listening services; downstream (peers
 * connected to a local TCP listener: the local port kept, the peer's ephemeral port dropped); upstream (this
 * host's processes connected out, TCP or connected UDP: the remote port kept, the local ephemeral port
 * dropped, so the sets stay bounded); and TCP connection states per process and container and remote
 * endpoint (inbound ones by local port and peer address). Each family is cut by {@link Bounded}.
 *
 * <p>The agent's own connections out (to the config-server, its probes' targets) are not upstream: they are the
 * monitoring's traffic, not the host's, and counted they would make every host of the fleet depend on the
 * config-server, undeclared, from the first report on (its probes are declared already). Its connection states and
 * its local API's listener and clients stay.
 */
final class Derivation {
    private record Listener(byte proto, byte family, long hi, long lo, int port, boolean other) {
    }

    private record Up(byte proto, byte family, long lHi, long lLo, long rHi, long rLo, int rPort, boolean other) {
    }

    private record Down(byte family, long lHi, long lLo, int lPort, long rHi, long rLo, boolean other) {
    }

    private record State(byte state, int localPort, byte family, long rHi, long rLo, int rPort, boolean other) {
    }

    /** The port label "other" (ports summed past the bound) and "" (a peer's ephemeral port, dropped). */
    private static final int OTHER_PORT = -1;
    private static final int NO_PORT = -2;

    /** A TCP listener bound to one address, in its network namespace. */
    private record Bound(short ns, byte family, long hi, long lo, int port) {
    }

    private static final int WILDCARD = 1;
    /** A TCP listener on this port bound to one address: only then is a connection's own address looked up. */
    private static final int SPECIFIC = 2;

    private final int maxRemotes;
    private final int maxProcesses;
    /** The agent's own process id as the scanned {@code /proc} shows it; -1: none left out. */
    private final long ownPid;
    /** Namespace and port ({@link #portKey}) to {@link #WILDCARD} | {@link #SPECIFIC}: listeners are per namespace. */
    private final InodeIndex tcpPorts = new InodeIndex();

    Derivation(int maxRemotes, int maxProcesses) {
        this(maxRemotes, maxProcesses, -1);
    }

    Derivation(int maxRemotes, int maxProcesses, long ownPid) {
        this.maxRemotes = maxRemotes;
        this.maxProcesses = maxProcesses;
        this.ownPid = ownPid;
    }

    /**
     * planet-exporter's families name the process only ({@code named}), so processes of one name count together
     * across containers; {@code pod_connect_info} tells containers apart ({@code whole}). Both by owner index + 1.
     */
    DiscoveryView derive(Scan scan) {
        SocketTable s = scan.sockets;
        Bounded<Listener> listeners = new Bounded<>();
        Bounded<Up> up = new Bounded<>();
        Bounded<Down> down = new Bounded<>();
        Bounded<State> states = new Bounded<>();
        Set<Bound> tcpListeners = new HashSet<>();
        tcpPorts.clear();
        Who[] named = new Who[scan.processes.size() + 1];
        Who[] whole = new Who[scan.processes.size() + 1];
        named[0] = Who.UNKNOWN;
        whole[0] = Who.UNKNOWN;
        int self = -2;
        for (int p = 0; p < scan.processes.size(); p++) {
            ProcessInfo info = scan.processes.get(p);
            whole[p + 1] = Who.of(info);
            named[p + 1] = new Who(info.name(), "", "");
            self = info.pid() == ownPid ? p : self;
        }
        int tcp = 0;
        for (int i = 0; i < s.size; i++) {
            tcp += s.proto[i] == SocketTable.TCP ? 1 : 0;
            if (s.listening(i)) {
                Listener l = new Listener(s.proto[i], s.family[i], s.localHi[i], s.localLo[i], s.localPort[i], false);
                listeners.add(named[s.owner[i] + 1], l);
                if (s.proto[i] == SocketTable.TCP) {
                    boolean wildcard = s.localHi[i] == 0 && s.localLo[i] == 0;
                    long key = portKey(s.netns[i], s.localPort[i]);
                    tcpPorts.put(key, Math.max(0, tcpPorts.get(key)) | (wildcard ? WILDCARD : SPECIFIC));
                    if (!wildcard) {
                        tcpListeners.add(new Bound(s.netns[i], s.family[i], s.localHi[i], s.localLo[i], s.localPort[i]));
                    }
                }
            }
        }
        for (int i = 0; i < s.size; i++) {
            if (s.listening(i) || s.remotePort[i] == 0) {
                continue;
            }
            int listened = s.proto[i] == SocketTable.TCP ? tcpPorts.get(portKey(s.netns[i], s.localPort[i])) : -1;
            boolean inbound = listened > 0 && ((listened & WILDCARD) != 0
                    || tcpListeners.contains(new Bound(s.netns[i], s.family[i], s.localHi[i], s.localLo[i], s.localPort[i])));
            Who who = named[s.owner[i] + 1];
            if (inbound) {
                down.add(who, new Down(s.family[i], s.localHi[i], s.localLo[i], s.localPort[i], s.remoteHi[i], s.remoteLo[i], false));
            } else if (s.owner[i] != self) {
                up.add(who, new Up(s.proto[i], s.family[i], s.localHi[i], s.localLo[i], s.remoteHi[i], s.remoteLo[i],
                        s.remotePort[i], false));
            }
            if (s.proto[i] == SocketTable.TCP) {
                states.add(whole[s.owner[i] + 1], new State(s.state[i], inbound ? s.localPort[i] : -1, s.family[i], s.remoteHi[i],
                        s.remoteLo[i], inbound ? NO_PORT : s.remotePort[i], false));
            }
        }
        return new DiscoveryView(
                servers(listeners.cut(maxRemotes, maxProcesses, l -> new Listener(l.proto(), (byte) 0, 0, 0, OTHER_PORT, true))),
                upstream(up.cut(maxRemotes, maxProcesses, u -> new Up(u.proto(), (byte) 0, 0, 0, 0, 0, OTHER_PORT, true))),
                downstream(down.cut(maxRemotes, maxProcesses, d -> new Down(d.family(), d.lHi(), d.lLo(), d.lPort(), 0, 0, true))),
                connections(states.cut(maxRemotes, maxProcesses, c -> new State(c.state(), c.localPort(), (byte) 0, 0, 0, c.localPort() < 0 ? OTHER_PORT : NO_PORT, true))),
                new DiscoveryView.Seen(tcp, s.size - tcp, scan.processesSeen, scan.processesUnreadable, scan.unowned(),
                        scan.tablesUnreadable, scan.linesSkipped, 1 + scan.namespaces.size(), scan.namespacesSkipped));
    }

    /** Never 0 (an empty key of {@link InodeIndex}). */
    private static long portKey(short ns, int port) {
        return ((long) ns << 16 | port) + 1;
    }

    private static List<DiscoveryView.Row> servers(Map<Who, Map<Listener, Long>> cut) {
        Rows rows = new Rows();
        cut.forEach((who, keys) -> keys.forEach((l, n) -> rows.add(List.of(
                l.other() ? "other" : Addresses.bind(Addresses.format(l.family(), l.hi(), l.lo()), l.port()),
                port(l.port()), who.name(), protocol(l.proto())), n)));
        return rows.list();
    }

    private static List<DiscoveryView.Row> upstream(Map<Who, Map<Up, Long>> cut) {
        Rows rows = new Rows();
        cut.forEach((who, keys) -> keys.forEach((u, n) -> rows.add(List.of(
                u.other() ? "" : Addresses.format(u.family(), u.lHi(), u.lLo()), "", port(u.rPort()), who.name(),
                protocol(u.proto()), u.other() ? "other" : Addresses.format(u.family(), u.rHi(), u.rLo()), ""), n)));
        return rows.list();
    }

    private static List<DiscoveryView.Row> downstream(Map<Who, Map<Down, Long>> cut) {
        Rows rows = new Rows();
        cut.forEach((who, keys) -> keys.forEach((d, n) -> rows.add(List.of(
                Addresses.format(d.family(), d.lHi(), d.lLo()), "", port(d.lPort()), who.name(), "tcp",
                d.other() ? "other" : Addresses.format(d.family(), d.rHi(), d.rLo()), ""), n)));
        return rows.list();
    }

    private static List<DiscoveryView.Row> connections(Map<Who, Map<State, Long>> cut) {
        Rows rows = new Rows();
        cut.forEach((who, keys) -> keys.forEach((c, n) -> rows.add(List.of(
                who.name(), who.container(), who.podUid(), c.localPort() < 0 ? "" : Integer.toString(c.localPort()),
                c.other() ? "other" : Addresses.format(c.family(), c.rHi(), c.rLo()),
                port(c.rPort()), TcpState.of(c.state()).name()), n)));
        return rows.list();
    }

    /**
     * Rows with the same label values summed: two keys may print alike (a process named "other" beside the processes
     * summed as other), and a family with a repeated label set would fail the whole scrape.
     */
    private static final class Rows {
        private final Map<List<String>, Long> sums = new LinkedHashMap<>();

        void add(List<String> labels, long n) {
            sums.merge(labels, n, Long::sum);
        }

        List<DiscoveryView.Row> list() {
            List<DiscoveryView.Row> out = new ArrayList<>(sums.size());
            sums.forEach((labels, n) -> out.add(new DiscoveryView.Row(labels, n)));
            return out;
        }
    }

    private static String port(int port) {
        return port == OTHER_PORT ? "other" : port == NO_PORT ? "" : Integer.toString(port);
    }

    private static String protocol(byte proto) {
        return proto == SocketTable.TCP ? "tcp" : "udp";
    }
}
