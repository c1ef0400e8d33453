package io.aami.server.tokens;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BootstrapTokenApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void secretIsShownOnceAndStoredOnlyAsHash() throws Exception {
        Api.Reply created = api.post("/api/v1/bootstrap-tokens", Map.of("name", "fleet", "max_uses", 5, "ttl_seconds", 3600), ADMIN);
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("token").asText();
        String id = created.json().get("id").asText();
        assertThat(token).matches("aami_[a-z0-9]{6}\\.[a-z0-9]{32}").startsWith("aami_" + id + ".");
        assertThat(created.json().get("remaining").asInt()).isEqualTo(5);

        JsonNode listed = api.get("/api/v1/bootstrap-tokens", ADMIN).json();
        assertThat(listed.toString()).doesNotContain(token.substring(12));
        JsonNode mine = api.get("/api/v1/bootstrap-tokens/" + id, ADMIN).json();
        assertThat(mine.get("token").isNull()).isTrue();
        assertThat(mine.get("uses").asInt()).isZero();

        String secret = token.substring(token.indexOf('.') + 1);
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT * FROM bootstrap_tokens")) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    assertThat(String.valueOf(rs.getString(i))).doesNotContain(secret);
                }
            }
        }
    }

    @Test
    void defaultsAndExplicitExpiry() {
        JsonNode dflt = api.post("/api/v1/bootstrap-tokens", Map.of("name", "d", "max_uses", 1), ADMIN).json();
        Instant expires = Instant.parse(dflt.get("expires_at").asText());
        assertThat(expires).isBetween(Instant.now().plusSeconds(23 * 3600), Instant.now().plusSeconds(25 * 3600));

        String at = Instant.now().plusSeconds(7200).toString();
        JsonNode explicit = api.post("/api/v1/bootstrap-tokens", Map.of("name", "e", "max_uses", 1, "expires_at", at), ADMIN).json();
        assertThat(Instant.parse(explicit.get("expires_at").asText())).isEqualTo(Instant.parse(at));
    }

    @Test
    void invalidRequestsAreRefusedAndStoreNothing() {
        int before = api.get("/api/v1/bootstrap-tokens", ADMIN).json().size();
        assertField(api.post("/api/v1/bootstrap-tokens", Map.of("name", "x"), ADMIN), "max_uses");
        assertField(api.post("/api/v1/bootstrap-tokens", Map.of("name", "x", "max_uses", 0), ADMIN), "max_uses");
        assertField(api.post("/api/v1/bootstrap-tokens", Map.of("max_uses", 1), ADMIN), "name");
        assertField(api.post("/api/v1/bootstrap-tokens", Map.of("name", "x", "max_uses", 1, "ttl_seconds", 60,
                "expires_at", Instant.now().plusSeconds(60).toString()), ADMIN), "ttl_seconds");
        assertField(api.post("/api/v1/bootstrap-tokens", Map.of("name", "x", "max_uses", 1,
                "expires_at", Instant.now().minusSeconds(60).toString()), ADMIN), "expires_at");
        assertField(api.post("/api/v1/bootstrap-tokens", Map.of("name", "x", "max_uses", 1, "allowed_cidrs", java.util.List.of("10.0.0.0/33")), ADMIN), "allowed_cidrs");
        Api.Reply unknownGroup = api.post("/api/v1/bootstrap-tokens", Map.of("name", "x", "max_uses", 1,
                "group_id", "7c9e6679-7425-40de-944b-e07fc1f90ae7"), ADMIN);
        assertThat(unknownGroup.status()).isEqualTo(400);
        assertThat(unknownGroup.json().get("code").asText()).isEqualTo("UNKNOWN_GROUP");
        assertThat(api.get("/api/v1/bootstrap-tokens", ADMIN).json().size()).isEqualTo(before);
    }

    @Test
    void revokeShowsInListing() {
        String id = api.post("/api/v1/bootstrap-tokens", Map.of("name", "r", "max_uses", 1), ADMIN).json().get("id").asText();
        assertThat(api.delete("/api/v1/bootstrap-tokens/" + id, ADMIN).status()).isEqualTo(204);
        JsonNode t = api.get("/api/v1/bootstrap-tokens/" + id, ADMIN).json();
        assertThat(t.get("revoked").asBoolean()).isTrue();
        assertThat(t.get("revoked_at").isNull()).isFalse();
        assertThat(api.delete("/api/v1/bootstrap-tokens/nosuch", ADMIN).status()).isEqualTo(404);
    }

    private static void assertField(Api.Reply r, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }
}
