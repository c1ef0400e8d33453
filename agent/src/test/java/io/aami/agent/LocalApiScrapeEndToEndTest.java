package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Prometheus sees of a real agent against a real server: the agent's API listens on {@code 127.2} (the JDK's
 * shorthand for 127.0.0.2, a loopback address the discovery lists with it and the heartbeats' source 127.0.0.1 in
 * {@code sd.allowed_cidrs}), its tokens in private files. The heartbeat reports
 * the address bound, which the server accepts (it refuses {@code 127.2}), so the discovery lists the agent; the
 * metrics token then scrapes the listed target and cannot post results.
 */
class LocalApiScrapeEndToEndTest {
    private static final String FULL = "operator-token-0123456789abcdef";
    private static final String METRICS = "prometheus-token-fedcba9876543210";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void theDiscoveryListsTheAddressBoundAndTheMetricsTokenScrapesIt() throws Exception {
        // The heartbeats come from 127.0.0.1: the discovery lists the address bound only with both in sd.allowed_cidrs.
        Map<String, String> serverEnv = new java.util.HashMap<>(ChecksEndToEndTest.SERVER);
        serverEnv.put("AAMI_SD_ALLOWED_CIDRS", "127.0.0.2/32,127.0.0.1/32");
        try (TestServer server = TestServer.start(serverEnv)) {
            Api api = server.api();
            String token = Fixtures.bootstrapToken(api, 1, Map.of());
            Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + server.port(), token);
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_API_LISTEN", "127.2:0");
            env.put("AAMI_API_TOKEN_FILE", privateFile("api-token", FULL));
            env.put("AAMI_API_METRICS_TOKEN_FILE", privateFile("metrics-token", METRICS));
            AgentConfig cfg = AgentConfigLoader.load(null, TestAgentConfig.quick(env));
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                String id = agent.agentId().toString();
                AtomicReference<String> listed = new AtomicReference<>();
                eventually(Duration.ofSeconds(20), "the discovery lists the agent", () -> {
                    for (JsonNode entry : api.get("/api/v1/sd/prometheus", ADMIN).json()) {
                        if (id.equals(entry.path("labels").path("__meta_aami_agent_id").asText())) {
                            listed.set(entry.get("targets").get(0).asText());
                        }
                    }
                    return listed.get() != null;
                });
                assertThat(listed.get()).startsWith("127.0.0.2:");

                HttpResponse<String> scrape = send(listed.get(), "GET", "/metrics", METRICS, null);
                assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
                assertThat(scrape.body()).contains("aami_agent_enrolled");
                String body = "{\"results\":[{\"check_id\":\"disk\",\"status\":\"ok\",\"executed_at\":\"2024-01-15T10:30:00Z\"}]}";
                HttpResponse<String> inject = send(listed.get(), "POST", "/check-results", METRICS, body);
                assertThat(inject.statusCode()).as(inject.body()).isEqualTo(403);
                assertThat(inject.body()).contains("\"code\":\"FORBIDDEN\"");
                assertThat(send(listed.get(), "GET", "/healthz", FULL, null).statusCode()).isEqualTo(200);
            }
        }
    }

    private String privateFile(String name, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file.toString();
    }

    private static HttpResponse<String> send(String target, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + target + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
