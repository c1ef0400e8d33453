package io.aami.agent.probes.icmp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IcmpLoop}'s sockets, one per family and source address, opened on first use. At most
 * {@value #MAX_SOCKETS}: past that, the socket of a source no probe uses any more (one the policy dropped) is closed,
 * so a policy changing sources never exhausts them. A source must be an address of this host. Loop thread only.
 */
final class IcmpSockets {
    private static final Logger LOG = LoggerFactory.getLogger(IcmpSockets.class);
    /** Sockets bound to distinct source addresses at once; a source is a local address, so this is generous. */
    static final int MAX_SOCKETS = 64;

    private final IcmpPinger.Kind v4;
    private final IcmpPinger.Kind v6;
    /** Raw sockets' identifiers: this, then the next ones, in the order the sockets open. */
    private final int idBase;
    private final Map<List<Object>, IcmpSocket> sockets = new HashMap<>();
    /** The open sockets, in the order the poll set lists them. */
    final List<IcmpSocket> polled = new ArrayList<>();
    private int opened;

    IcmpSockets(IcmpPinger.Kind v4, IcmpPinger.Kind v6, int idBase) {
        this.v4 = v4;
        this.v6 = v6;
        this.idBase = idBase;
    }

    /** The socket for this family and source, opened if need be; null when it cannot be (a bind_error). */
    IcmpSocket get(boolean six, InetAddress source) {
        List<Object> key = Arrays.asList(six, source);
        IcmpSocket s = sockets.get(key);
        if (s != null || sockets.size() >= MAX_SOCKETS && !closeIdle()) {
            return s;
        }
        if (source != null && !local(source)) {
            LOG.debug("ICMP source {} refused: not an address of this host", source);
            return null;
        }
        Object open = IcmpSocket.open(six, (six ? v6 : v4) == IcmpPinger.Kind.RAW, source, (idBase + opened) & 0xffff);
        if (!(open instanceof IcmpSocket socket)) {
            LOG.debug("ICMP socket from {} failed: errno {}", source, -(Integer) open);
            return null;
        }
        opened++;
        sockets.put(key, socket);
        polled.add(socket);
        return socket;
    }

    /**
     * Whether {@code source} is an address of this host (an interface's, or loopback's: all of 127/8 is local). The
     * kernel binds a non-local one too where {@code net.ipv4.ip_nonlocal_bind} is set (keepalived, HAProxy hosts): the
     * root agent would then send echoes under another host's address, and their replies would go to that host.
     */
    private static boolean local(InetAddress source) {
        try {
            return source.isLoopbackAddress() || NetworkInterface.getByInetAddress(source) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes a socket no run uses (a source the policy dropped); false when every one is in use. */
    private boolean closeIdle() {
        for (var it = sockets.entrySet().iterator(); it.hasNext(); ) {
            IcmpSocket idle = it.next().getValue();
            if (idle.runs == 0 && idle.outstanding == 0) {
                it.remove();
                polled.remove(idle);
                idle.close();
                return true;
            }
        }
        return false;
    }

    int size() {
        return sockets.size();
    }

    void closeAll() {
        polled.forEach(IcmpSocket::close);
        polled.clear();
        sockets.clear();
    }
}
