package io.aami.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A real Prometheus (Debian's {@code prometheus} binary) on loopback, run with a config derived from
 * the shipped install/prometheus/prometheus.yml, and its HTTP query API.
 */
final class PrometheusProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JavaProcess process;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusProcess(JavaProcess process, int port) {
        this.process = process;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts Prometheus with {@code config} (its files beside it), storage under {@code dir}, on a free loopback port. */
    static PrometheusProcess start(Path config, Path dir) {
        int port = Waits.freePort();
        List<String> cmd = List.of("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=info");
        return new PrometheusProcess(JavaProcess.command(cmd, Map.of(), dir.resolve("prometheus.log"), dir), port);
    }

    /**
     * The shipped config with this test's settings: 1 s scrape and evaluation intervals, the server at
     * {@code 127.0.0.1:serverPort} (its certificate names {@code localhost}, hence {@code server_name}),
     * the SD refreshed every second. Everything else (TLS, CA file, bearer credential files, relabeling,
     * rule file) stays as shipped.
     */
    @SuppressWarnings("unchecked")
    static void adapt(Path config, int serverPort) throws IOException {
        Map<String, Object> c = MonitoringFiles.yaml(config);
        c.put("global", Map.of("scrape_interval", "1s", "evaluation_interval", "1s"));
        for (Map<String, Object> job : (List<Map<String, Object>>) c.get("scrape_configs")) {
            if (job.containsKey("static_configs")) {
                job.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + serverPort))));
                ((Map<String, Object>) job.get("tls_config")).put("server_name", "localhost");
            }
            for (Map<String, Object> sd : (List<Map<String, Object>>) job.getOrDefault("http_sd_configs", List.of())) {
                sd.put("url", URI.create((String) sd.get("url")).getPath().transform(p -> "https://127.0.0.1:" + serverPort + p));
                sd.put("refresh_interval", "1s");
                ((Map<String, Object>) sd.get("tls_config")).put("server_name", "localhost");
            }
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(config, new Yaml(options).dump(c));
    }

    boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code /api/v1/query}'s whole answer (status, data or error), whatever the HTTP status. */
    JsonNode query(String promql) {
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The result vector of a query that must succeed. */
    JsonNode series(String promql) {
        JsonNode answer = query(promql);
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError(promql + ": " + answer);
        }
        return answer.get("data").get("result");
    }

    /** The single series' value, or null when there is none. */
    String value(String promql) {
        JsonNode result = series(promql);
        return result.isEmpty() ? null : result.get(0).get("value").get(1).asText();
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.alive()) {
            process.terminate(Duration.ofSeconds(10));
        }
        process.close();
    }
}
