package io.aami.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback listener for probes to hit: accepts and closes every connection and records the source port
 * it came from, so a test can tell whether (and from where) a probe left the agent.
 */
public final class ProbeTarget implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Integer> arrivedFromPorts = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public ProbeTarget() {
        try {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::accept, "probe-target");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                arrivedFromPorts.add(s.getPort());
            } catch (IOException e) {
                // closed, or the probe's RST came first
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The source port of every connection that arrived, in order (live view). */
    public List<Integer> arrivedFromPorts() {
        return arrivedFromPorts;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
