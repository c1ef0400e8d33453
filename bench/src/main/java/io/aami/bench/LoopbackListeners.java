package io.aami.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent's probes connect to: {@code n} TCP listeners on 127.0.0.1 (ports picked by the kernel),
 * accepted and closed at once by one selector thread, so every probe succeeds and none fills a backlog.
 */
final class LoopbackListeners implements AutoCloseable {
    private final Selector selector;
    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    LoopbackListeners(int n) throws IOException {
        selector = Selector.open();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                channels.add(ch);
                ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_ACCEPT);
                ports.add(((InetSocketAddress) ch.getLocalAddress()).getPort());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        thread = new Thread(this::acceptLoop, "bench-probe-listeners");
        thread.setDaemon(true);
        thread.start();
    }

    List<Integer> ports() {
        return List.copyOf(ports);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
                    if (c != null) {
                        c.close();
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                // a connection reset before accept: the next select goes on
            } catch (java.nio.channels.ClosedSelectorException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
