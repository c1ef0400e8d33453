package io.aami.agent.probes;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback UDP socket that echoes every datagram back, or (silent) never reads at all. */
final class UdpServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread echo;
    private final AtomicInteger received = new AtomicInteger();
    private volatile int lastLength = -1;

    private UdpServer(boolean echoing) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        echo = echoing ? new Thread(this::echoLoop, "test-udp-echo") : null;
        if (echo != null) {
            echo.setDaemon(true);
            echo.start();
        }
    }

    static UdpServer echo() throws IOException {
        return new UdpServer(true);
    }

    static UdpServer silent() throws IOException {
        return new UdpServer(false);
    }

    int port() {
        return socket.getLocalPort();
    }

    int received() {
        return received.get();
    }

    int lastLength() {
        return lastLength;
    }

    private void echoLoop() {
        byte[] buf = new byte[65_536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                lastLength = p.getLength();
                received.incrementAndGet();
                socket.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        if (echo != null) {
            echo.join(2_000);
        }
    }
}
