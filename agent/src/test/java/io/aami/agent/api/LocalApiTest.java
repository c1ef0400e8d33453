package io.aami.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.CredentialHolder;
import io.aami.agent.metrics.AgentMetrics;
import io.aami.common.json.WireJson;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class LocalApiTest {
    static HttpResponse<String> call(int port, String method, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static LocalApi start(String token) {
        return LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, token), WireJson.mapper(),
                new StatusRoutes(new AgentMetrics(), new CredentialHolder(), UUID.randomUUID()).routes(),
                Executors.newFixedThreadPool(2));
    }

    /** The loader checks api.listen before binding; the server checks what it bound, so no other path can open it up. */
    @Test
    void refusesToServeANonLoopbackAddressWithoutTheFullToken() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> LocalApi.start(new AgentConfig.Api("0.0.0.0", port, null), WireJson.mapper(), Map.of(),
                Executors.newFixedThreadPool(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a loopback address")
                .hasMessageContaining("api.token");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).as("the refused server let go of its port").isEqualTo(port);
        }
        try (LocalApi guarded = LocalApi.start(new AgentConfig.Api("0.0.0.0", 0, "a-full-token-of-enough-length"), WireJson.mapper(),
                Map.of(), Executors.newFixedThreadPool(1))) {
            assertThat(guarded.port()).as("with the full token it serves").isPositive();
        }
    }

    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        try (LocalApi api = start(null)) {
            HttpResponse<String> missing = call(api.port(), "GET", "/nope", null);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"code\":\"NOT_FOUND\"");
            HttpResponse<String> wrongMethod = call(api.port(), "DELETE", "/healthz", null);
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.body()).contains("\"code\":\"METHOD_NOT_ALLOWED\"");
            assertThat(call(api.port(), "GET", "/healthz", null).body()).contains("\"status\":\"ok\"");
            assertThat(call(api.port(), "GET", "/metrics", null).body()).contains("aami_agent_enrolled");
        }
    }

    @Test
    void aTokenGuardsEveryCall() throws Exception {
        try (LocalApi api = start("s3cret-token")) {
            for (String path : new String[] {"/healthz", "/metrics", "/probe"}) {
                HttpResponse<String> refused = call(api.port(), "GET", path, null);
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.body()).contains("\"code\":\"UNAUTHORIZED\"");
                assertThat(call(api.port(), "GET", path, "wrong").statusCode()).isEqualTo(401);
            }
            assertThat(call(api.port(), "GET", "/healthz", "s3cret-token").statusCode()).isEqualTo(200);
        }
    }
}
