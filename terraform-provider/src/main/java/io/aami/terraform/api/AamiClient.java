package io.aami.terraform.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The config-server's admin API over the JDK's HTTP client, with the provider's token. Built on first use
 * (not at ConfigureProvider), so a command that never reaches the server (validate) costs no TLS set-up.
 */
public final class AamiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final ProviderSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private HttpClient http;

    public AamiClient(ProviderSettings settings) {
        this.settings = settings;
    }

    /** An answer: status and the parsed JSON body (null when empty or not JSON). */
    public record Reply(int status, JsonNode json, String body) {
    }

    public ObjectMapper mapper() {
        return json;
    }

    public ProviderSettings settings() {
        return settings;
    }

    /** GET; a 404 is returned (callers decide what a missing object means), other 4xx/5xx throw. */
    public Reply get(String path) {
        return call("GET", path, null, true);
    }

    public Reply put(String path, Object body) {
        return call("PUT", path, body, false);
    }

    public Reply post(String path, Object body) {
        return call("POST", path, body, false);
    }

    /** DELETE; a 404 (already gone) is returned, not thrown. */
    public Reply delete(String path) {
        return call("DELETE", path, null, true);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if (settings.address().startsWith("https://")) {
                SSLContext ctx = Trust.context(settings);
                if (ctx != null) {
                    b.sslContext(ctx);
                }
            }
            http = b.build();
        }
        return http;
    }

    private Reply call(String method, String path, Object body, boolean notFoundIsAnswer) {
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(settings.address() + path)).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + settings.token()).header("Accept", "application/json");
            if (body != null) {
                rb.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } else {
                rb.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = http().send(rb.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = parse(r.body());
            if (r.statusCode() >= 400 && !(notFoundIsAnswer && r.statusCode() == 404)) {
                throw refusal(r.statusCode(), node, r.body());
            }
            return new Reply(r.statusCode(), node, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the aami server at " + settings.address() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static ApiException refusal(int status, JsonNode node, String body) {
        if (node != null && node.hasNonNull("error")) {
            return new ApiException(status, node.path("code").asText(null), node.get("error").asText(),
                    node.path("field").asText(null));
        }
        return new ApiException(status, null, "the server answered " + status + ": " + body, null);
    }
}
