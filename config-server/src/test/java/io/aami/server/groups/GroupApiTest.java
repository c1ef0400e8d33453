package io.aami.server.groups;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GroupApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void createGetUpdateListDelete() {
        Api.Reply created = api.post("/api/v1/groups", Map.of("name", "web", "description", "front ends",
                "labels", Map.of("tier", "frontend")), ADMIN);
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("labels").get("tier").asText()).isEqualTo("frontend");
        assertThat(created.json().has("created_at")).isTrue();

        assertThat(api.get("/api/v1/groups/" + id, ADMIN).json().get("name").asText()).isEqualTo("web");

        Api.Reply updated = api.put("/api/v1/groups/" + id, Map.of("name", "web-eu", "labels", Map.of()), ADMIN);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("name").asText()).isEqualTo("web-eu");
        assertThat(updated.json().get("description").asText()).isEmpty();

        JsonNode list = api.get("/api/v1/groups", ADMIN).json();
        assertThat(list.findValuesAsText("name")).contains("web-eu");

        assertThat(api.delete("/api/v1/groups/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/groups/" + id, ADMIN).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/groups/" + id, ADMIN).json().get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void namesAreUniqueIgnoringCase() {
        assertThat(api.post("/api/v1/groups", Map.of("name", "db"), ADMIN).status()).isEqualTo(201);
        Api.Reply dup = api.post("/api/v1/groups", Map.of("name", "DB"), ADMIN);
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().get("code").asText()).isEqualTo("ALREADY_EXISTS");
    }

    @Test
    void validationNamesTheField() {
        Api.Reply noName = api.post("/api/v1/groups", Map.of("description", "x"), ADMIN);
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.json().get("field").asText()).isEqualTo("name");
        assertThat(noName.json().get("code").asText()).isEqualTo("VALIDATION_FAILED");

        Api.Reply badLabel = api.post("/api/v1/groups", Map.of("name", "x", "labels", Map.of("bad key!", "v")), ADMIN);
        assertThat(badLabel.status()).isEqualTo(400);
        assertThat(badLabel.json().get("field").asText()).isEqualTo("labels");

        Api.Reply wrongType = api.post("/api/v1/groups", "{\"name\": \"x\", \"labels\": [1,2]}", ADMIN);
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("error").asText()).contains("labels");

        assertThat(api.get("/api/v1/groups/not-a-uuid", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void groupInUseCannotBeDeleted() {
        String id = api.post("/api/v1/groups", Map.of("name", "busy"), ADMIN).json().get("id").asText();
        api.put("/api/v1/targets/4b0c3f5e-8a51-4d3e-9d0e-2f1a7a6c9b11", Map.of("hostname", "h1", "group_id", id), ADMIN);
        Api.Reply refused = api.delete("/api/v1/groups/" + id, ADMIN);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("IN_USE");
        assertThat(api.get("/api/v1/groups/" + id, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void adminTokenIsRequired() {
        Api.Reply none = api.get("/api/v1/groups", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(none.header("WWW-Authenticate")).isPresent();
        assertThat(api.post("/api/v1/groups", Map.of("name", "x"), "wrong-token-wrong-token").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/groups", null).body()).doesNotContain("Exception");
    }
}
