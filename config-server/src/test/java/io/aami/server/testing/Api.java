package io.aami.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.common.json.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** A small HTTP client for tests against a real server; bodies are JSON strings or objects. */
public final class Api {
    private static final ObjectMapper MAPPER = WireJson.mapper();

    /** Where requests go, looked up per request so an Api can be bound before its server starts. */
    private record Endpoint(String base, HttpClient http) {
    }

    private final Supplier<Endpoint> endpoint;

    public Api(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public Api(String base, HttpClient http) {
        Endpoint fixed = new Endpoint(base, http);
        this.endpoint = () -> fixed;
    }

    private Api(Supplier<Endpoint> endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * An Api that sends wherever {@code server}'s Api sends, looked up on each call: a test class can
     * hold it in a static final field before its server has started (see {@link ServerPerClass}).
     */
    static Api sendingThrough(Supplier<Api> server) {
        return new Api(() -> server.get().endpoint.get());
    }

    /** One answer. */
    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        public <T> T as(Class<T> type) {
            try {
                return MAPPER.readValue(body, type);
            } catch (IOException e) {
                throw new UncheckedIOException("not a " + type.getSimpleName() + " (" + status + "): " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The error's code: the JSON body's {@code code}, or a console error page's {@code data-error-code}; "" if neither. */
        public String errorCode() {
            if (header("Content-Type").orElse("").startsWith("text/html")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-error-code=\"([A-Z_]+)\"").matcher(body);
                return m.find() ? m.group(1) : "";
            }
            return body.contains("\"code\"") ? json().path("code").asText() : "";
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Reply get(String path, String bearer) {
        return send("GET", path, null, bearer);
    }

    public Reply post(String path, Object body, String bearer) {
        return send("POST", path, body, bearer);
    }

    public Reply put(String path, Object body, String bearer) {
        return send("PUT", path, body, bearer);
    }

    public Reply delete(String path, String bearer) {
        return send("DELETE", path, null, bearer);
    }

    /** {@code body} may be a String (sent as is), a byte[] or an object (JSON-encoded). */
    public Reply send(String method, String path, Object body, String bearer, String... headers) {
        Endpoint to = endpoint.get();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(to.base() + path)).timeout(Duration.ofSeconds(60));
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
            if (body != null) {
                byte[] bytes = body instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : body instanceof byte[] raw ? raw : MAPPER.writeValueAsBytes(body);
                publisher = HttpRequest.BodyPublishers.ofByteArray(bytes);
                if (!hasHeader(headers, "Content-Type")) {
                    b.header("Content-Type", "application/json");
                }
            }
            HttpResponse<String> r = to.http().send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean hasHeader(String[] headers, String name) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
