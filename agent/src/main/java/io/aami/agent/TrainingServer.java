package io.aami.agent;

import io.aami.common.concurrent.DaemonThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The training run's stand-in for a config-server: HTTP/1.1 over TLS on 127.0.0.1, a free port, one daemon thread per
 * connection (at most {@link #MAX_CONNECTIONS}: the agent holds its long poll while it sends), one request per
 * connection. Requests go to {@link TrainingAnswers}. It reads at most {@link #MAX_REQUEST} bytes of a request: only
 * the training agent, on loopback, for a few seconds, ever talks to it.
 */
final class TrainingServer implements AutoCloseable {
    /** One request, as far as the answers need it. */
    record Request(String method, String target, String ifNoneMatch, byte[] body) {
    }

    /** One answer; {@code body} null: none. */
    record Answer(int status, String reason, byte[] body) {
    }

    /** Answers a request; may block (a held long poll). */
    @FunctionalInterface
    interface Handler {
        Answer answer(Request request) throws Exception;
    }

    private static final int MAX_REQUEST = 4 << 20;
    private static final int MAX_CONNECTIONS = 16;

    private final SSLServerSocket socket;
    private final Handler handler;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);

    private TrainingServer(SSLServerSocket socket, Handler handler) {
        this.socket = socket;
        this.handler = handler;
    }

    /** A listener on 127.0.0.1, on a free port, already accepting; client certificates asked for, not required. */
    static TrainingServer start(SSLContext tls, Handler handler) throws IOException {
        SSLServerSocket listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        listener.setWantClientAuth(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), MAX_CONNECTIONS);
        TrainingServer server = new TrainingServer(listener, handler);
        DaemonThreads.thread("aami-training-server", server::acceptLoop).start();
        return server;
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                connections.acquire();
                Socket s = socket.accept();
                DaemonThreads.thread("aami-training-connection", () -> serve(s)).start();
            } catch (IOException e) {
                connections.release(); // closed: the loop ends; else the next connection
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(65_000);
            Request request = read(s.getInputStream());
            if (request != null) {
                write(s.getOutputStream(), handler.answer(request));
            }
        } catch (Exception e) {
            // A probe's bare connect, a handshake the agent gave up, a closed listener: nothing to answer.
        } finally {
            connections.release();
        }
    }

    private static Request read(InputStream in) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return null;
        }
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 2) {
            return null;
        }
        int length = 0;
        String ifNoneMatch = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = colon < 0 ? "" : lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = value.matches("[0-9]{1,8}") ? Integer.parseInt(value) : 0;
            } else if (name.equals("if-none-match")) {
                ifNoneMatch = value;
            }
        }
        return new Request(requestLine[0], requestLine[1], ifNoneMatch, in.readNBytes(Math.min(length, MAX_REQUEST)));
    }

    /** The request line and headers, or null when the connection ends before them. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4 && head.size() < MAX_REQUEST) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(OutputStream out, Answer answer) throws IOException {
        byte[] body = answer.body() == null ? new byte[0] : answer.body();
        String head = "HTTP/1.1 " + answer.status() + " " + answer.reason() + "\r\n"
                + (answer.body() == null ? "" : "Content-Type: application/json\r\n")
                + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }
}
