package io.aami.server.targets;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /api/v1/targets/bulk} on a real server: all or nothing, audited per target, bad input named. */
class TargetBulkApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static String operator;

    @BeforeAll
    static void users() {
        Fixtures.user(api, "bulk-operator", "operator");
        operator = Fixtures.userToken(api, "bulk-operator", Map.of());
        Fixtures.user(api, "bulk-viewer", "viewer");
    }

    static String target(String hostname, String group) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = new HashMap<>(Map.of("hostname", hostname));
        if (group != null) {
            body.put("group_id", group);
        }
        assertThat(api.put("/api/v1/targets/" + id, body, ADMIN).status()).isEqualTo(201);
        return id;
    }

    static Api.Reply bulk(Map<String, Object> body) {
        return api.post("/api/v1/targets/bulk", body, operator);
    }

    static String groupOf(String id) {
        JsonNode g = api.get("/api/v1/targets/" + id, ADMIN).json().get("group_id");
        return g.isNull() ? null : g.asText();
    }

    static List<JsonNode> audit(String id) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/audit?object=target:" + id, ADMIN).json().forEach(out::add);
        return out;
    }

    @Test
    void movesEveryTargetInOneRequestAuditingEachAsItsOwnUpdate() {
        String from = Fixtures.group(api, "bulk-from");
        String to = Fixtures.group(api, "bulk-to");
        String a = target("bulk-a", from);
        String b = target("bulk-b", null);
        String already = target("bulk-c", to);
        Api.Reply r = bulk(Map.of("action", "move", "target_ids", List.of(a, b, already), "group_id", to));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("action").asText()).isEqualTo("move");
        List<String> changed = new ArrayList<>();
        r.json().get("changed").forEach(n -> changed.add(n.asText()));
        assertThat(changed).containsExactlyInAnyOrder(a, b);
        assertThat(List.of(groupOf(a), groupOf(b), groupOf(already))).containsOnly(to);
        List<JsonNode> rows = audit(a);
        assertThat(rows.get(0).get("action").asText()).isEqualTo("update");
        assertThat(rows.get(0).get("actor_name").asText()).isEqualTo("bulk-operator");
        assertThat(rows.get(0).get("before").get("group_id").asText()).isEqualTo(from);
        assertThat(rows.get(0).get("after").get("group_id").asText()).isEqualTo(to);
        assertThat(audit(b).get(0).get("before").get("group_id").isNull()).isTrue();
        // Unchanged, so not audited: its newest row is still its creation.
        assertThat(audit(already).get(0).get("action").asText()).isEqualTo("create");
    }

    @Test
    void revokesEveryTargetAuditedAsTheSingleRouteDoes() {
        String a = target("bulk-r1", null);
        String b = target("bulk-r2", null);
        Api.Reply r = bulk(Map.of("action", "revoke", "target_ids", List.of(a, b)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (String id : List.of(a, b)) {
            assertThat(api.get("/api/v1/targets/" + id, ADMIN).json().get("status").asText()).isEqualTo("revoked");
            JsonNode row = audit(id).get(0);
            assertThat(row.get("action").asText()).isEqualTo("revoke");
            assertThat(row.get("after").get("status").asText()).isEqualTo("revoked");
        }
    }

    @Test
    void aMissingTargetIsA404NamingItAndNothingChanges() {
        String from = Fixtures.group(api, "bulk-keep");
        String to = Fixtures.group(api, "bulk-never");
        String a = target("bulk-m1", from);
        String missing = UUID.randomUUID().toString();
        Api.Reply r = bulk(Map.of("action", "move", "target_ids", List.of(a, missing), "group_id", to));
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains(missing);
        assertThat(r.json().get("field").asText()).isEqualTo("target_ids");
        assertThat(groupOf(a)).isEqualTo(from);
        assertThat(audit(a)).hasSize(1);

        Api.Reply revoke = bulk(Map.of("action", "revoke", "target_ids", List.of(a, missing)));
        assertThat(revoke.status()).isEqualTo(404);
        assertThat(api.get("/api/v1/targets/" + a, ADMIN).json().get("status").asText()).isEqualTo("pending");
        assertThat(audit(a)).hasSize(1);
    }

    @Test
    void badInputIsA400NamingTheField() {
        String a = target("bulk-bad", null);
        String group = Fixtures.group(api, "bulk-bad-group");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(UUID.randomUUID().toString());
        }
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("action", Map.of("action", "delete", "target_ids", List.of(a)));
        cases.put("target_ids", Map.of("action", "revoke", "target_ids", List.of()));
        cases.put("target_ids ", Map.of("action", "revoke", "target_ids", tooMany));
        cases.put("target_ids[1]", Map.of("action", "revoke", "target_ids", List.of(a, a)));
        cases.put("target_ids[0]", Map.of("action", "revoke", "target_ids", List.of("not-a-uuid")));
        cases.put("group_id", Map.of("action", "move", "target_ids", List.of(a)));
        cases.put("group_id ", Map.of("action", "revoke", "target_ids", List.of(a), "group_id", group));
        cases.forEach((field, body) -> {
            Api.Reply r = bulk(body);
            assertThat(r.status()).as(field + ": " + r).isEqualTo(400);
            assertThat(r.json().get("field").asText()).as(field + ": " + r).isEqualTo(field.trim());
        });
        Api.Reply unknownGroup = bulk(Map.of("action", "move", "target_ids", List.of(a), "group_id", UUID.randomUUID().toString()));
        assertThat(unknownGroup.status()).as(unknownGroup.toString()).isEqualTo(400);
        assertThat(unknownGroup.json().get("code").asText()).isEqualTo("UNKNOWN_GROUP");
        assertThat(api.get("/api/v1/targets/" + a, ADMIN).json().get("status").asText()).isEqualTo("pending");
        String viewer = Fixtures.userToken(api, "bulk-viewer", Map.of());
        assertThat(api.post("/api/v1/targets/bulk", Map.of("action", "revoke", "target_ids", List.of(a)), viewer).status()).isEqualTo(403);
    }
}
