package io.aami.server.targets;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TargetApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void putIsIdempotentPreRegistration() {
        String group = api.post("/api/v1/groups", Map.of("name", "web"), ADMIN).json().get("id").asText();
        UUID id = UUID.randomUUID();
        Map<String, Object> body = Map.of("hostname", "web-1", "group_id", group, "labels", Map.of("env", "prod"));
        Api.Reply first = api.put("/api/v1/targets/" + id, body, ADMIN);
        assertThat(first.status()).isEqualTo(201);
        JsonNode t = first.json();
        assertThat(t.get("id").asText()).isEqualTo(id.toString());
        assertThat(t.get("status").asText()).isEqualTo("pending");
        assertThat(t.get("registered_at").isNull()).isTrue();
        assertThat(t.get("last_heartbeat_at").isNull()).isTrue();
        for (String reported : new String[] {"reported_hostname", "reported_ip", "reported_labels"}) {
            assertThat(t.get(reported)).as(reported + ": present, null until the agent enrolls").isNotNull();
            assertThat(t.get(reported).isNull()).as(reported).isTrue();
        }

        Api.Reply second = api.put("/api/v1/targets/" + id, body, ADMIN);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json()).isEqualTo(t);

        Api.Reply changed = api.put("/api/v1/targets/" + id, Map.of("hostname", "web-1b"), ADMIN);
        assertThat(changed.json().get("hostname").asText()).isEqualTo("web-1b");
        assertThat(changed.json().get("group_id").isNull()).isTrue();
    }

    @Test
    void postGeneratesAnId() {
        Api.Reply r = api.post("/api/v1/targets", Map.of("hostname", "db-1"), ADMIN);
        assertThat(r.status()).isEqualTo(201);
        UUID id = UUID.fromString(r.json().get("id").asText());
        assertThat(api.get("/api/v1/targets/" + id, ADMIN).json().get("hostname").asText()).isEqualTo("db-1");
    }

    @Test
    void listFiltersByGroupAndStatusAndPages() {
        String group = api.post("/api/v1/groups", Map.of("name", "paged"), ADMIN).json().get("id").asText();
        for (int i = 0; i < 5; i++) {
            api.post("/api/v1/targets", Map.of("hostname", "p-" + i, "group_id", group), ADMIN);
        }
        JsonNode inGroup = api.get("/api/v1/targets?group_id=" + group, ADMIN).json();
        assertThat(inGroup.size()).isEqualTo(5);
        assertThat(api.get("/api/v1/targets?group_id=" + group + "&status=online", ADMIN).json().size()).isZero();
        assertThat(api.get("/api/v1/targets?group_id=" + group + "&status=pending", ADMIN).json().size()).isEqualTo(5);

        Api.Reply page1 = api.get("/api/v1/targets?group_id=" + group + "&limit=3", ADMIN);
        assertThat(page1.json().size()).isEqualTo(3);
        String cont = page1.header("Aami-Continue").orElseThrow();
        Api.Reply page2 = api.get("/api/v1/targets?group_id=" + group + "&limit=3&continue=" + cont, ADMIN);
        assertThat(page2.json().size()).isEqualTo(2);
        assertThat(page2.header("Aami-Continue")).isEmpty();

        assertThat(api.get("/api/v1/targets?status=sleeping", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/targets?limit=0", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void deleteAndValidation() {
        String id = api.post("/api/v1/targets", Map.of("hostname", "gone"), ADMIN).json().get("id").asText();
        assertThat(api.delete("/api/v1/targets/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/targets/" + id, ADMIN).status()).isEqualTo(404);
        assertThat(api.put("/api/v1/targets/" + UUID.randomUUID(), Map.of(), ADMIN).json().get("field").asText()).isEqualTo("hostname");
        assertThat(api.put("/api/v1/targets/" + UUID.randomUUID(), Map.of("hostname", "x", "group_id", UUID.randomUUID()), ADMIN)
                .json().get("code").asText()).isEqualTo("UNKNOWN_GROUP");
        assertThat(api.put("/api/v1/targets/nope", Map.of("hostname", "x"), ADMIN).status()).isEqualTo(400);
    }
}
