package io.aami.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a real plain-HTTP server that lets the first registration request through
 * and then loses its answer: once the server starts answering, both connections are closed and not
 * a byte reaches the agent. Everything else is relayed unchanged.
 */
final class AnswerDroppingProxy implements AutoCloseable {
    private static final byte[] REGISTER = "POST /api/v1/bootstrap-tokens/register".getBytes(StandardCharsets.ISO_8859_1);

    private final ServerSocket listener;
    private final int serverPort;
    private final AtomicBoolean dropNext = new AtomicBoolean(true);
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger registrations = new AtomicInteger();

    AnswerDroppingProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "dropping-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Answers lost so far. */
    int dropped() {
        return dropped.get();
    }

    /** Registration requests seen so far. */
    int registrations() {
        return registrations.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                AtomicBoolean lose = new AtomicBoolean();
                start(() -> upstream(client, server, lose));
                start(() -> downstream(server, client, lose));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void upstream(Socket client, Socket server, AtomicBoolean lose) {
        try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (contains(buf, n, REGISTER)) {
                    registrations.incrementAndGet();
                    // Decided before the request is forwarded, so its answer cannot slip through first.
                    if (dropNext.compareAndSet(true, false)) {
                        lose.set(true);
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed; the other copier ends too.
        } finally {
            closeQuietly(client, server);
        }
    }

    private void downstream(Socket server, Socket client, AtomicBoolean lose) {
        try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (lose.get()) {
                    // The server has answered, so it committed: the agent never learns of it.
                    dropped.incrementAndGet();
                    client.setSoLinger(true, 0);
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed; the other copier ends too.
        } finally {
            closeQuietly(client, server);
        }
    }

    private static boolean contains(byte[] buf, int n, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= n; i++) {
            for (int j = 0; j < what.length; j++) {
                if (buf[i + j] != what[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "dropping-proxy-copy");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
