package io.aami.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer: Debian's {@code prometheus-node-exporter} with its default collectors on a free loopback
 * port, the per-host exporter an operator runs beside the agent anyway.
 */
final class NodeExporter implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(20);

    private final Process process;
    private final URI metrics;

    private NodeExporter(Process process, URI metrics) {
        this.process = process;
        this.metrics = metrics;
    }

    /** Starts it and waits until {@code /metrics} answers; {@link IOException} when it does not. */
    static NodeExporter start(Path binary, Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            throw new IOException(binary + " is not installed (Debian: apt-get install prometheus-node-exporter); "
                    + "give --node-exporter");
        }
        int port = freePort();
        Process p = new ProcessBuilder(List.of(binary.toString(), "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("node-exporter.log").toFile()).start();
        NodeExporter ne = new NodeExporter(p, URI.create("http://127.0.0.1:" + port + "/metrics"));
        long deadline = System.nanoTime() + READY.toNanos();
        while (!Scraper.scrape(ne.metrics)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                ne.close();
                throw new IOException(binary + " did not serve " + ne.metrics + " within " + READY.toSeconds() + " s; see "
                        + dir.resolve("node-exporter.log"));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return ne;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    URI metrics() {
        return metrics;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One GET of a {@code /metrics}, as Prometheus scrapes both exporters. */
    static final class Scraper {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        private Scraper() {
        }

        static boolean scrape(URI uri) {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
