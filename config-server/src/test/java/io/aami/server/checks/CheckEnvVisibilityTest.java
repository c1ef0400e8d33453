package io.aami.server.checks;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A check's env values (passwords, API keys) are an operator's to read: a viewer sees the names only. */
class CheckEnvVisibilityTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static final String SECRET = "pg-s3cret-value";

    @Test
    void aViewerSeesTheNamesButNotTheValuesNorTheirHash() {
        Map<String, Object> body = new HashMap<>(check("db-up", "pg_isready", 60, Map.of("global", true)));
        body.put("env", Map.of("PGPASSWORD", SECRET, "PGUSER", "monitor"));
        String id = Fixtures.createCheck(api, body);
        Fixtures.user(api, "vera", "viewer");
        Fixtures.user(api, "otto", "operator");
        String viewer = Fixtures.userToken(api, "vera", Map.of());
        String operator = Fixtures.userToken(api, "otto", Map.of());

        for (String path : new String[] {"/api/v1/checks/" + id, "/api/v1/checks"}) {
            Api.Reply seen = api.get(path, viewer);
            assertThat(seen.status()).isEqualTo(200);
            assertThat(seen.body()).as(path).doesNotContain(SECRET).doesNotContain("monitor");
            JsonNode env = seen.json().findValue("env");
            assertThat(env.get("PGPASSWORD").asText()).isEqualTo("***");
            assertThat(env.get("PGUSER").asText()).isEqualTo("***");
            assertThat(seen.json().findValue("execution_sha256").isNull()).as("a hash over the values").isTrue();
            assertThat(seen.json().findValue("script").asText()).isEqualTo("pg_isready");
        }
        for (String token : new String[] {operator, ADMIN}) {
            JsonNode whole = api.get("/api/v1/checks/" + id, token).json();
            assertThat(whole.get("env").get("PGPASSWORD").asText()).isEqualTo(SECRET);
            assertThat(whole.get("execution_sha256").asText()).isNotEmpty();
        }
    }
}
