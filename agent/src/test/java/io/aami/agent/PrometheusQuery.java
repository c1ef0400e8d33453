package io.aami.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real Prometheus's instant query API on loopback. */
final class PrometheusQuery {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusQuery() {
    }

    /** Each series of {@code promql} as {@code <its label>=<value>}; empty while Prometheus is not answering. */
    static List<String> values(int port, String promql, String label) {
        List<String> out = new ArrayList<>();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                for (JsonNode series : Api.mapper().readTree(r.body()).path("data").path("result")) {
                    out.add(series.path("metric").path(label).asText() + "=" + series.path("value").get(1).asText());
                }
            }
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
