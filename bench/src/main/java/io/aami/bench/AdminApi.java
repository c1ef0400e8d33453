package io.aami.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.ApiPaths;
import io.aami.contract.checks.CheckRequest;
import io.aami.contract.groups.GroupRequest;
import io.aami.contract.probes.ProbeRequest;
import io.aami.contract.tokens.BootstrapTokenRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * What an operator does before agents arrive, through the admin API: a group for the run, one
 * check assigned to it (the results name it), and bootstrap tokens for each wave of agents. One JDK
 * client for these few calls; the fleet never uses it.
 */
final class AdminApi {
    private static final int ATTEMPTS = 4;

    private final URI base;
    private final String adminToken;
    private final ObjectMapper mapper;
    private final HttpClient http;

    /** @param tls null for plain HTTP */
    AdminApi(URI base, String adminToken, ObjectMapper mapper, SSLContext tls) {
        this.base = base;
        this.adminToken = adminToken;
        this.mapper = mapper;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1);
        this.http = (tls == null ? b : b.sslContext(tls)).build();
    }

    UUID createGroup(String name) {
        return UUID.fromString(post(ApiPaths.GROUPS, new GroupRequest(name, "aami-bench fleet run", Map.of())).get("id").asText());
    }

    /** A check of the run's group that no simulated agent runs: results only need a check to name. */
    UUID createCheck(String name, UUID group) {
        CheckRequest req = new CheckRequest(name, "aami-bench", "sh", "exit 0", null, null, 60, 10, group, null, null,
                Map.of(), true);
        return UUID.fromString(post(ApiPaths.CHECKS, req).get("id").asText());
    }

    /** A check of {@code group} that its agents run: {@code script} under sh every {@code intervalSeconds} (timeout 10 s). */
    UUID createCheck(String name, UUID group, String script, int intervalSeconds) {
        return createCheck(name, group, script, intervalSeconds, 10);
    }

    /** A check of {@code group} that agents run: {@code sh} {@code script} every {@code intervalSeconds}. */
    UUID createCheck(String name, UUID group, String script, int intervalSeconds, int timeoutSeconds) {
        CheckRequest req = new CheckRequest(name, "aami-bench", "sh", script, null, null, intervalSeconds, timeoutSeconds,
                group, null, null, Map.of(), true);
        return UUID.fromString(post(ApiPaths.CHECKS, req).get("id").asText());
    }

    /** A TCP connect probe of {@code group} to {@code host:port} every {@code intervalSeconds}. */
    UUID createTcpProbe(String name, UUID group, String host, int port, int intervalSeconds) {
        ProbeRequest req = new ProbeRequest(name, "aami-bench", null, null, host, null, port, "tcp", 1000, intervalSeconds, null,
                null, null, group, null, null, Map.of(), true);
        return UUID.fromString(post(ApiPaths.PROBES, req).get("id").asText());
    }

    /** An enabled global check: a change every target's policy holds (the policy benchmark's change). */
    UUID createGlobalCheck(String name) {
        CheckRequest req = new CheckRequest(name, "aami-bench", "sh", "exit 0", null, null, 60, 10, null, null, true,
                Map.of(), true);
        return UUID.fromString(post(ApiPaths.CHECKS, req).get("id").asText());
    }

    /** {@code GET /metrics} as text (the admin token opens it). */
    String metrics() {
        try {
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + adminToken).GET().build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("GET /metrics answered " + resp.statusCode());
            }
            return resp.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET /metrics failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A bootstrap token for {@code uses} enrollments into {@code group}, valid for a day. */
    String createBootstrapToken(String name, UUID group, int uses) {
        BootstrapTokenRequest req = new BootstrapTokenRequest(name, group, uses, 86_400L, null, Map.of(), null);
        return post(ApiPaths.BOOTSTRAP_TOKENS, req).get("token").asText();
    }

    /** {@code GET path} with the admin token; the answer's JSON, or an exception unless 2xx. */
    JsonNode get(String path) {
        return send(request(path).GET().build(), "GET " + path);
    }

    private JsonNode post(String path, Object body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + ": " + e.getMessage(), e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(), "POST " + path);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken);
    }

    /**
     * Sends, retrying what a loaded server may answer (408, 429, 503) or no answer at all a few times:
     * on a busy machine a run must not fail for want of a group or a token (a retried POST at worst
     * leaves a spare token or an unused group behind).
     */
    private JsonNode send(HttpRequest req, String what) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                int status = resp.statusCode();
                if (status / 100 == 2) {
                    return mapper.readTree(resp.body());
                }
                if (attempt >= ATTEMPTS || status != 408 && status != 429 && status != 503) {
                    throw new IllegalStateException(what + " answered " + status + ": "
                            + new String(resp.body(), java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            pause(attempt);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(1000L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
