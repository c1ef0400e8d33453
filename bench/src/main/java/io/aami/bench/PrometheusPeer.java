package io.aami.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (the Debian package's binary) scraping the server's {@code /metrics} with the
 * monitoring token, from a temporary configuration and storage, on a free loopback port; read back
 * through its HTTP API ({@code scrape_duration_seconds} and the server's render counter as stored).
 */
final class PrometheusPeer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final URI api;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private PrometheusPeer(Process process, Path dir, URI api) {
        this.process = process;
        this.dir = dir;
        this.api = api;
    }

    static PrometheusPeer start(String binary, URI target, String token, Duration interval) throws IOException {
        Path dir = Files.createTempDirectory("aami-bench-prometheus");
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, token);
        long s = Math.max(1, interval.toSeconds());
        Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: %ds, scrape_timeout: %ds}
                scrape_configs:
                  - job_name: aami
                    authorization: {type: Bearer, credentials_file: %s}
                    static_configs: [{targets: ['%s']}]
                """.formatted(s, s, tokenFile, target.getRawAuthority()));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder(binary, "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        return new PrometheusPeer(p, dir, URI.create("http://127.0.0.1:" + port));
    }

    /** Waits until {@code n} scrapes of the job are stored; their durations in seconds, oldest first. */
    List<Double> awaitScrapes(int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Double> durations = List.of();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited " + process.exitValue() + ": " + log());
            }
            durations = values("scrape_duration_seconds{job=\"aami\"}[1h]");
            if (durations.size() >= n) {
                return durations;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return durations;
    }

    /** The stored samples of a range-vector selector (one series), oldest first; empty before the API answers. */
    List<Double> values(String selector) throws InterruptedException {
        List<Double> out = new ArrayList<>();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/query?query="
                    + URLEncoder.encode(selector, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return out;
            }
            for (JsonNode series : json.readTree(r.body()).path("data").path("result")) {
                series.path("values").forEach(v -> out.add(Double.parseDouble(v.get(1).asText())));
            }
        } catch (IOException e) {
            // not listening yet
        }
        return out;
    }

    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
