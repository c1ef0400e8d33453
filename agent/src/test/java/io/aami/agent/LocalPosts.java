package io.aami.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Results of the check {@code posted} sent to an agent's local API ({@code POST /check-results}), as a local program would. */
final class LocalPosts {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalPosts() {
    }

    /** One batch, a result per output (status ok, executed now); the answer's status code (202: spooled). */
    static int post(int port, List<String> outputs) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"results\":[");
        for (int i = 0; i < outputs.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"check_id\":\"posted\",\"status\":\"ok\",\"output\":\"")
                    .append(outputs.get(i)).append("\",\"executed_at\":\"").append(Instant.now()).append("\"}");
        }
        body.append("]}");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/check-results"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code count} outputs {@code prefix}{@code first}, {@code prefix}{@code first + 1}, … */
    static List<String> outputs(String prefix, int first, int count) {
        return java.util.stream.IntStream.range(first, first + count).mapToObj(n -> prefix + n).toList();
    }
}
