package io.aami.server.checks;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void crudWithFullBodyReplace() {
        String group = Fixtures.group(api, "crud");
        Map<String, Object> body = new HashMap<>(check("disk", "df -h /", 60, Map.of("group_id", group)));
        body.put("args", List.of("-x", "tmpfs"));
        body.put("env", Map.of("LIMIT", "90"));
        body.put("labels", Map.of("team", "ops"));
        Api.Reply created = api.post("/api/v1/checks", body, ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode c = created.json();
        String id = c.get("id").asText();
        assertThat(c.get("scope").asText()).isEqualTo("group");
        assertThat(c.get("enabled").asBoolean()).isTrue();
        assertThat(c.get("script_sha256").asText()).hasSize(64);
        assertThat(c.get("args").toString()).isEqualTo("[\"-x\",\"tmpfs\"]");

        Map<String, Object> replacement = new HashMap<>(check("disk-root", "df /", 30, Map.of("global", true)));
        replacement.put("enabled", false);
        JsonNode replaced = api.put("/api/v1/checks/" + id, replacement, ADMIN).json();
        assertThat(replaced.get("scope").asText()).isEqualTo("global");
        assertThat(replaced.get("group_id").isNull()).isTrue();
        assertThat(replaced.get("args").size()).isZero();
        assertThat(replaced.get("enabled").asBoolean()).isFalse();
        assertThat(replaced.get("created_at")).isEqualTo(c.get("created_at"));

        assertThat(api.get("/api/v1/checks/" + id, ADMIN).json().get("name").asText()).isEqualTo("disk-root");
        assertThat(api.delete("/api/v1/checks/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/checks/" + id, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void listFiltersByGroupAndTarget() {
        String group = Fixtures.group(api, "filters");
        UUID target = Fixtures.enroll(api, "f1", null).id();
        Fixtures.createCheck(api, check("g", "true", 10, Map.of("group_id", group)));
        Fixtures.createCheck(api, check("t", "true", 10, Map.of("target_id", target.toString())));
        assertThat(api.get("/api/v1/checks?group_id=" + group, ADMIN).json().findValuesAsText("name")).containsExactly("g");
        assertThat(api.get("/api/v1/checks?target_id=" + target, ADMIN).json().findValuesAsText("name")).containsExactly("t");
    }

    @Test
    void validationNamesTheField() {
        String group = Fixtures.group(api, "valid");
        assertField(check("x", "true", 0, Map.of("global", true)), "interval_seconds");
        Map<String, Object> slow = new HashMap<>(check("x", "true", 10, Map.of("global", true)));
        slow.put("timeout_seconds", 11);
        assertField(slow, "timeout_seconds");
        slow.put("timeout_seconds", 0);
        assertField(slow, "timeout_seconds");
        assertField(check("x", "x".repeat(64 * 1024 + 1), 10, Map.of("global", true)), "script");
        Map<String, Object> perl = new HashMap<>(check("x", "true", 10, Map.of("global", true)));
        perl.put("interpreter", "perl");
        assertField(perl, "interpreter");
        assertField(check("x", "true", 10, Map.of()), "scope");
        assertField(check("x", "true", 10, Map.of("global", true, "group_id", group)), "scope");
        Map<String, Object> noName = new HashMap<>(check("x", "true", 10, Map.of("global", true)));
        noName.remove("name");
        assertField(noName, "name");
        Fixtures.createCheck(api, check("dup", "true", 10, Map.of("group_id", group)));
        assertField(check("DUP", "true", 10, Map.of("group_id", group)), "name");
        assertThat(api.post("/api/v1/checks", check("dup", "true", 10, Map.of("global", true)), ADMIN).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/checks", check("y", "true", 10, Map.of("target_id", UUID.randomUUID().toString())), ADMIN)
                .json().get("code").asText()).isEqualTo("UNKNOWN_TARGET");
        assertThat(api.post("/api/v1/checks", check("big", "x".repeat(64 * 1024), 10, Map.of("global", true)), ADMIN)
                .status()).isEqualTo(201);
    }

    private static void assertField(Map<String, Object> body, String field) {
        Api.Reply r = api.post("/api/v1/checks", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
    }
}
