package io.aami.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.contract.ApiPaths;
import io.aami.contract.checks.CheckRequest;
import io.aami.contract.groups.GroupRequest;
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

    /** A bootstrap token for {@code uses} enrollments into {@code group}, valid for a day. */
    String createBootstrapToken(String name, UUID group, int uses) {
        BootstrapTokenRequest req = new BootstrapTokenRequest(name, group, uses, 86_400L, null, Map.of(), null);
        return post(ApiPaths.BOOTSTRAP_TOKENS, req).get("token").asText();
    }

    /**
     * POSTs, retrying what a loaded server may answer (408, 429, 503) or no answer at all a few times:
     * on a busy machine a run must not fail for want of a group or a token (a retried POST at worst
     * leaves a spare token or an unused group behind).
     */
    private JsonNode post(String path, Object body) {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))).build();
                HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                int status = resp.statusCode();
                if (status / 100 == 2) {
                    return mapper.readTree(resp.body());
                }
                if (attempt >= ATTEMPTS || status != 408 && status != 429 && status != 503) {
                    throw new IllegalStateException("POST " + path + " answered " + status + ": "
                            + new String(resp.body(), java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IllegalStateException("POST " + path + " failed: " + e.getMessage(), e);
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
