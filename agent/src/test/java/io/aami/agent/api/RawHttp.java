package io.aami.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Requests written byte for byte, as a browser or curl would send them: java.net.http refuses to set
 * {@code Host} and adds headers of its own.
 */
final class RawHttp {
    record Response(int status, String head, String body) {
    }

    private RawHttp() {
    }

    /**
     * Sends {@code method target} with exactly {@code headers} (each "Name: value"), plus
     * Content-Length and Connection: close, and {@code body}.
     */
    static Response send(int port, String method, String target, String body, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (String h : headers) {
            req.append(h).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            String head = split < 0 ? all : all.substring(0, split);
            String rest = split < 0 ? "" : all.substring(split + 4);
            return new Response(Integer.parseInt(head.split(" ", 3)[1]), head, rest);
        }
    }
}
