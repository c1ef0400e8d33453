package io.aami.agent.probes;

import io.aami.contract.probes.ProbeReason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP connect probe: success is a completed handshake (OP_CONNECT, then finishConnect).
 * <ul>
 *   <li>The socket is always bound before connecting (to the source address or the wildcard, to
 *       the pinned port or 0) so the result can name the local port even when the connect fails.
 *       SO_REUSEADDR stays off, so a pinned port that is in use is a bind_error.</li>
 *   <li>On loopback the handshake has always completed by the time connect() returns, so one
 *       finishConnect() right away saves the selector round trip (register, select, deregister);
 *       for other targets it would be a wasted syscall per probe.</li>
 *   <li>A connect whose local end is its own destination (same address and port) completed by TCP
 *       simultaneous open with itself, which the kernel allows when a probe's source port is its
 *       closed destination port: no listener answered, so it is {@code refused}, as blackbox_exporter
 *       reports it.</li>
 *   <li>SO_LINGER 0: closing sends RST, so thousands of probes leave no TIME_WAIT sockets behind
 *       and a pinned source port can be reused by the very next probe.</li>
 * </ul>
 */
final class TcpProber implements Prober {
    private static final Logger LOG = LoggerFactory.getLogger(TcpProber.class);
    private static final InetAddress ANY_V4 = any(4);
    private static final InetAddress ANY_V6 = any(16);

    @Override
    public Outcome start(ProbeAttempt a, Selector selector) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(family(a.target));
            a.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            LOG.warn("probe cannot create a TCP socket: {}", e.toString());
            return Outcome.of(ProbeReason.BIND_ERROR);
        }
        try {
            ch.bind(new InetSocketAddress(sourceOrWildcard(a), a.probe.sourcePort()));
            a.local = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            LOG.debug("probe bind to {}:{} failed: {}", a.probe.sourceIp(), a.probe.sourcePort(), e.toString());
            return Outcome.of(ProbeReason.BIND_ERROR);
        }
        a.connectStartNanos = System.nanoTime();
        try {
            if (ch.connect(new InetSocketAddress(a.target, a.port()))
                    || a.target.isLoopbackAddress() && ch.finishConnect()) {
                return connected(a, ch);
            }
            ch.register(selector, SelectionKey.OP_CONNECT, a);
            return null;
        } catch (IOException e) {
            return failed(a, e);
        }
    }

    @Override
    public Outcome ready(ProbeAttempt a) {
        SocketChannel ch = (SocketChannel) a.channel;
        try {
            return ch.finishConnect() ? connected(a, ch) : null;
        } catch (IOException e) {
            return failed(a, e);
        }
    }

    @Override
    public Outcome expired(ProbeAttempt a) {
        return Outcome.of(ProbeReason.TIMEOUT);
    }

    private static Outcome connected(ProbeAttempt a, SocketChannel ch) throws IOException {
        long connectNanos = System.nanoTime() - a.connectStartNanos;
        a.local = (InetSocketAddress) ch.getLocalAddress();
        if (connectedToItself(a.local, a.target, a.port())) {
            // TCP simultaneous open with itself: the port is closed, nothing answered. The engine closes the channel.
            LOG.debug("probe tcp {}:{} connected to itself: refused", a.target.getHostAddress(), a.probe.targetPort());
            return new Outcome(ProbeReason.REFUSED, connectNanos);
        }
        return new Outcome(ProbeReason.OK, connectNanos);
    }

    /** Whether a completed connect's local end is the very address and port it connected to. */
    static boolean connectedToItself(InetSocketAddress local, InetAddress target, int targetPort) {
        return local != null && local.getPort() == targetPort && local.getAddress().equals(target);
    }

    private static Outcome failed(ProbeAttempt a, IOException e) {
        long connectNanos = System.nanoTime() - a.connectStartNanos;
        ProbeReason reason = ConnectFailures.reason(e);
        if (LOG.isDebugEnabled()) {
            LOG.debug("probe tcp {}:{} failed: {} -> {}", a.target.getHostAddress(), a.probe.targetPort(), e, reason.wire());
        }
        return new Outcome(reason, reason == ProbeReason.BIND_ERROR ? -1 : connectNanos);
    }

    static StandardProtocolFamily family(InetAddress address) {
        return ValidatedProbe.isV4(address) ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    static InetAddress sourceOrWildcard(ProbeAttempt a) {
        if (a.probe.sourceIp() != null) {
            return a.probe.sourceIp();
        }
        return ValidatedProbe.isV4(a.target) ? ANY_V4 : ANY_V6;
    }

    private static InetAddress any(int length) {
        try {
            return InetAddress.getByAddress(new byte[length]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("4 or 16 zero bytes are always an address", e);
        }
    }
}
