package io.aami.agent.probes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A real local HTTP or HTTPS server (the JDK's) with the pages the probe tests need: {@code /ok} (200 "hello
 * world"), {@code /down} (503), {@code /moved} (302 to /ok), {@code /loop-a} and {@code /loop-b} (302 to each other),
 * {@code /away} (302 to another host), {@code /slow} (headers and a few body bytes, then silence), {@code /chunked}
 * (a chunked body).
 */
final class TestWebServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private TestWebServer(HttpServer server) {
        this.server = server;
        server.createContext("/ok", x -> send(x, 200, "hello world"));
        server.createContext("/down", x -> send(x, 503, "down"));
        server.createContext("/moved", x -> redirect(x, "/ok"));
        server.createContext("/loop-a", x -> redirect(x, "/loop-b"));
        server.createContext("/loop-b", x -> redirect(x, "/loop-a"));
        server.createContext("/away", x -> redirect(x, "http://elsewhere.invalid/ok"));
        server.createContext("/slow", x -> {
            x.sendResponseHeaders(200, 100);
            try (OutputStream out = x.getResponseBody()) {
                out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.createContext("/chunked", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    out.write(("part " + i + " ").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("the end".getBytes(StandardCharsets.US_ASCII));
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    static TestWebServer http() throws IOException {
        return new TestWebServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    static TestWebServer https(SSLContext context) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(context));
        return new TestWebServer(s);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void redirect(HttpExchange x, String location) throws IOException {
        x.getResponseHeaders().set("Location", location);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
