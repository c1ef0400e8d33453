package io.aami.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection to a loopback server, as small as a client can be, so that the
 * client's own cost is the same for every peer {@code probes} drives (the agent's local API and
 * blackbox_exporter alike). Fixed-length and chunked answers; no redirects, no TLS. One thread.
 */
final class KeepAliveHttp implements Closeable {
    /** One answer. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String fixedHeaders;

    KeepAliveHttp(int port, String bearerToken) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
        fixedHeaders = "Host: 127.0.0.1:" + port + "\r\n"
                + (bearerToken == null ? "" : "Authorization: Bearer " + bearerToken + "\r\n");
    }

    Response get(String target) throws IOException {
        out.write(("GET " + target + " HTTP/1.1\r\n" + fixedHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    Response postJson(String target, byte[] body) throws IOException {
        byte[] head = ("POST " + target + " HTTP/1.1\r\n" + fixedHeaders + "Content-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        out.write(all);
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int n = Integer.parseInt(line().split(";")[0].trim(), 16); n > 0; n = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(n));
                line();
            }
            line(); // the empty line after the last chunk (no trailers here)
            return new Response(code, body.toByteArray());
        }
        if (length < 0) {
            throw new IOException("answer without Content-Length on a kept-alive connection");
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            throw new EOFException("connection closed in an answer's body");
        }
        return new Response(code, body);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
