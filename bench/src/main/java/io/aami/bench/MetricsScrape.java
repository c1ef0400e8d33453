package io.aami.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * One scrape of the server's {@code /metrics} as Prometheus makes it (monitoring token, gzip accepted):
 * its wall time, its size on the wire and decoded, the render the server says it served, and what the
 * check series held.
 */
record MetricsScrape(double seconds, long wireBytes, long textBytes, double renderSeconds, double renderAt, double renders,
                     long staleSeries, long statusSeries, Set<String> lines) {

    static MetricsScrape take(HttpClient http, URI base, String token) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/metrics")).header("Authorization", "Bearer " + token)
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(120)).build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered " + r.statusCode());
        }
        byte[] body = r.body();
        boolean gzip = r.headers().firstValue("Content-Encoding").map(e -> e.equalsIgnoreCase("gzip")).orElse(false);
        byte[] text = gzip ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body;
        return parse(seconds, body.length, new String(text, StandardCharsets.UTF_8));
    }

    private static MetricsScrape parse(double seconds, long wire, String text) {
        double renderSeconds = -1;
        double renderAt = -1;
        double renders = -1;
        long stale = 0;
        long status = 0;
        Set<String> statusLines = new HashSet<>();
        for (String line : (Iterable<String>) text.lines()::iterator) {
            if (line.startsWith("aami_check_stale{")) {
                stale++;
            } else if (line.startsWith("aami_check_status{")) {
                status++;
                statusLines.add(line);
            } else if (line.startsWith("aami_fleet_render_seconds ")) {
                renderSeconds = value(line);
            } else if (line.startsWith("aami_fleet_render_timestamp_seconds ")) {
                renderAt = value(line);
            } else if (line.startsWith("aami_fleet_renders_total ")) {
                renders = value(line);
            }
        }
        return new MetricsScrape(seconds, wire, text.getBytes(StandardCharsets.UTF_8).length, renderSeconds, renderAt, renders,
                stale, status, statusLines);
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** /health's round trip: what any request to this server costs at the least. */
    static double health(HttpClient http, URI base) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/health answered " + r.statusCode());
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
