package io.aami.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code probes} connects to: N listeners on 127.0.0.1 (port 0) that accept and close, and one
 * closed port. Probe {@code i} targets the closed port when {@code i % 64 == 63}, else listener
 * {@code i % N}; every peer (the agent, blackbox_exporter, the raw loop) follows this one rule, so all are
 * checked alike: success on a listener, failure on the closed port. The closed port is taken below the
 * ephemeral range, so no probe's own source port can ever be it (a self-connect would "succeed").
 */
final class ProbeTargets implements AutoCloseable {
    static final int CLOSED_EVERY = 64;
    private static final int BACKLOG = 4096;

    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final int[] ports;
    private final int closedPort;

    ProbeTargets(int count) throws IOException {
        ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                ServerSocketChannel s = ServerSocketChannel.open();
                listeners.add(s);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
                ports[i] = ((InetSocketAddress) s.getLocalAddress()).getPort();
                Thread t = new Thread(() -> acceptAndClose(s), "probes-listener-" + ports[i]);
                t.setDaemon(true);
                t.start();
            }
            closedPort = freePortBelowEphemeral();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether probe {@code i} should succeed (a listener) or fail (the closed port). */
    static boolean open(long i) {
        return i % CLOSED_EVERY != CLOSED_EVERY - 1;
    }

    int port(long i) {
        return open(i) ? ports[(int) (i % ports.length)] : closedPort;
    }

    int[] ports() {
        return ports.clone();
    }

    int closedPort() {
        return closedPort;
    }

    private static void acceptAndClose(ServerSocketChannel s) {
        while (s.isOpen()) {
            // A plain close (FIN), never a reset: a reset can beat a prober that checks its connect a moment
            // late (Go's dialer reads SO_ERROR after a poll), and the probe would fail with "connection reset".
            try {
                s.accept().close();
            } catch (IOException e) {
                // closed, or the prober reset the connection before it was accepted: go on
            }
        }
    }

    /** A port nobody listens on, below the kernel's ephemeral range (probes' source ports come from that range). */
    private static int freePortBelowEphemeral() throws IOException {
        int first = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            // readAllLines, not readString: that trusts the size /proc reports and may stop short
            first = Integer.parseInt(Files.readAllLines(range, StandardCharsets.US_ASCII).get(0).trim().split("\\s+")[0]);
        }
        for (int port = Math.min(first, 65536) - 1; port > 20_000; port -= 7) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free port below the ephemeral range for the closed-port probes");
    }

    @Override
    public void close() {
        for (ServerSocketChannel s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
