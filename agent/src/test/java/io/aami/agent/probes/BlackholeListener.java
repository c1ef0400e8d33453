package io.aami.agent.probes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose SYNs go unanswered, for a deterministic TCP timeout: a listener with
 * backlog 1 that never accepts. Once its accept queue is full, Linux drops further SYNs
 * (tcp_abort_on_overflow=0), so a connect neither completes nor fails until the caller gives up.
 */
final class BlackholeListener implements AutoCloseable {
    private final ServerSocketChannel server;
    private final List<SocketChannel> fillers = new ArrayList<>();

    BlackholeListener() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        fillAcceptQueue();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    /** Connects until a handshake stops completing: from then on the queue is full. */
    private void fillAcceptQueue() throws IOException {
        for (int i = 0; i < 16; i++) {
            SocketChannel c = SocketChannel.open();
            fillers.add(c);
            c.configureBlocking(false);
            c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
            if (!finishesWithin(c, 200)) {
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled; cannot make a blackhole port");
    }

    private static boolean finishesWithin(SocketChannel c, long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (c.finishConnect()) {
                return true;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel c : fillers) {
            c.close();
        }
        server.close();
    }
}
