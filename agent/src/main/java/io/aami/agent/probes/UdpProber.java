package io.aami.agent.probes;

import io.aami.contract.probes.ProbeReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP probe: a channel bound to the source and connected to the target sends the payload and
 * waits for one reply until the deadline.
 * <ul>
 *   <li>Connected, because Linux reports an ICMP port unreachable only to a connected UDP socket;
 *       it surfaces as PortUnreachableException on receive: refused.</li>
 *   <li>Any reply is ok when there is no {@code expect}; a reply that does not contain
 *       {@code expect} is success=false, reason invalid (the service answered, but not as
 *       required), connect_ms being its round trip.</li>
 *   <li>Silence is timeout, or ok when udp_no_reply_ok (many UDP services never answer junk).</li>
 *   <li>The JDK silently drops a zero-length write on a connected DatagramChannel, so an empty
 *       payload goes out through a short-lived unconnected sibling socket bound to the same
 *       address and port (SO_REUSEPORT, set only after our own strict bind so a pinned port in
 *       use is still a bind_error); replies and ICMP errors still reach the connected socket,
 *       which the kernel prefers for its exact 4-tuple.</li>
 * </ul>
 */
final class UdpProber implements Prober {
    private static final Logger LOG = LoggerFactory.getLogger(UdpProber.class);

    /** One buffer for all replies: the loop is single-threaded and reads one datagram at a time. */
    private final ByteBuffer reply = ByteBuffer.allocate(65_536);

    @Override
    public Outcome start(ProbeAttempt a, Selector selector) {
        DatagramChannel ch;
        try {
            ch = DatagramChannel.open(TcpProber.family(a.target));
            a.channel = ch;
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(TcpProber.sourceOrWildcard(a), a.probe.sourcePort()));
            a.local = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            LOG.debug("probe udp bind to {}:{} failed: {}", a.probe.sourceIp(), a.probe.sourcePort(), e.toString());
            return Outcome.of(ProbeReason.BIND_ERROR);
        }
        InetSocketAddress target = new InetSocketAddress(a.target, a.probe.targetPort());
        a.connectStartNanos = System.nanoTime();
        try {
            ch.connect(target);
            a.local = (InetSocketAddress) ch.getLocalAddress();
            send(ch, target, a.probe.payload());
            ch.register(selector, SelectionKey.OP_READ, a);
            return null;
        } catch (IOException e) {
            return failed(a, e);
        }
    }

    @Override
    public Outcome ready(ProbeAttempt a) {
        DatagramChannel ch = (DatagramChannel) a.channel;
        reply.clear();
        try {
            if (ch.receive(reply) == null) {
                return null;
            }
        } catch (IOException e) {
            return failed(a, e);
        }
        long roundTrip = System.nanoTime() - a.connectStartNanos;
        byte[] expect = a.probe.expect();
        boolean matches = expect == null || Hex.contains(reply.array(), reply.position(), expect);
        return new Outcome(matches ? ProbeReason.OK : ProbeReason.INVALID, roundTrip);
    }

    @Override
    public Outcome expired(ProbeAttempt a) {
        return Outcome.of(a.probe.udpNoReplyOk() ? ProbeReason.OK : ProbeReason.TIMEOUT);
    }

    private static void send(DatagramChannel ch, InetSocketAddress target, byte[] payload) throws IOException {
        if (payload.length > 0) {
            ch.write(ByteBuffer.wrap(payload));
            return;
        }
        ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        try (DatagramChannel sibling = DatagramChannel.open(TcpProber.family(target.getAddress()))) {
            sibling.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            sibling.bind(ch.getLocalAddress());
            sibling.send(ByteBuffer.allocate(0), target);
        }
    }

    private static Outcome failed(ProbeAttempt a, IOException e) {
        ProbeReason reason = ConnectFailures.reason(e);
        if (LOG.isDebugEnabled()) {
            LOG.debug("probe udp {}:{} failed: {} -> {}", a.target.getHostAddress(), a.probe.targetPort(), e, reason.wire());
        }
        return new Outcome(reason, reason == ProbeReason.BIND_ERROR ? -1 : System.nanoTime() - a.connectStartNanos);
    }
}
