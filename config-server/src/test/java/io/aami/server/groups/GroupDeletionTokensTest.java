package io.aami.server.groups;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a group takes its bootstrap tokens that can no longer enroll (revoked, expired, used up) with it,
 * audited; a token that still can, or a target, refuses the deletion and nothing is deleted.
 */
class GroupDeletionTokensTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void deadTokensAreDeletedWithTheGroupAndAudited() throws Exception {
        String group = Fixtures.group(api, "retiring");
        String elsewhere = Fixtures.group(api, "elsewhere");
        String revoked = token(group, 5).get("id").asText();
        assertThat(api.delete("/api/v1/bootstrap-tokens/" + revoked, ADMIN).status()).isEqualTo(204);
        String expired = token(group, 5).get("id").asText();
        sql("UPDATE bootstrap_tokens SET expires_at = now() - interval '1 minute' WHERE id = ?", expired);
        JsonNode usedUp = token(group, 1);
        UUID agent = enroll(usedUp.get("token").asText());
        // The agent moves on; the group it was enrolled into can go, and the agent keeps working.
        assertThat(api.put("/api/v1/targets/" + agent, Map.of("hostname", "h-moved", "group_id", elsewhere), ADMIN).status())
                .isEqualTo(200);
        String unscoped = api.post("/api/v1/bootstrap-tokens", Map.of("name", "any", "max_uses", 1), ADMIN).json()
                .get("id").asText();

        Api.Reply deleted = api.delete("/api/v1/groups/" + group, ADMIN);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(api.get("/api/v1/groups/" + group, ADMIN).status()).isEqualTo(404);
        for (String id : List.of(revoked, expired, usedUp.get("id").asText())) {
            assertThat(api.get("/api/v1/bootstrap-tokens/" + id, ADMIN).status()).as(id).isEqualTo(404);
            assertThat(count("SELECT count(*) FROM bootstrap_token_uses WHERE token_id = ?", id)).isZero();
            JsonNode audit = api.get("/api/v1/audit?object=bootstrap_token:" + id, ADMIN).json().get(0);
            assertThat(audit.get("action").asText()).isEqualTo("delete");
            assertThat(audit.get("before").get("bootstrap_token").get("id").asText()).isEqualTo(id);
        }
        JsonNode used = api.get("/api/v1/audit?object=bootstrap_token:" + usedUp.get("id").asText(), ADMIN).json().get(0);
        assertThat(used.get("before").get("enrolled_targets").toString()).contains(agent.toString());
        assertThat(used.get("before").toString()).doesNotContain(usedUp.get("token").asText().substring(12));
        assertThat(api.get("/api/v1/targets/" + agent, ADMIN).json().get("status").asText()).isEqualTo("online");
        assertThat(count("SELECT count(*) FROM targets WHERE id = ?::uuid AND enrolled_by_token IS NULL", agent.toString()))
                .as("a later token drawing the same id must not inherit the agent").isEqualTo(1);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + unscoped, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void aTokenThatCanStillEnrollRefusesAndNothingIsDeleted() {
        String group = Fixtures.group(api, "live");
        String dead = token(group, 1).get("id").asText();
        api.delete("/api/v1/bootstrap-tokens/" + dead, ADMIN);
        String live = token(group, 3).get("id").asText();

        Api.Reply refused = api.delete("/api/v1/groups/" + group, ADMIN);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("IN_USE");
        assertThat(refused.json().get("error").asText()).contains("has 1 bootstrap token that can still enroll")
                .contains(live).contains("revoke it first").doesNotContain(dead);
        assertThat(api.get("/api/v1/groups/" + group, ADMIN).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + dead, ADMIN).status()).as("nothing deleted half-way").isEqualTo(200);
        assertThat(api.get("/api/v1/audit?object=bootstrap_token:" + dead, ADMIN).json().findValuesAsText("action"))
                .doesNotContain("delete");

        String second = token(group, 1).get("id").asText();
        assertThat(api.delete("/api/v1/groups/" + group, ADMIN).json().get("error").asText())
                .contains("has 2 bootstrap tokens").contains(live).contains(second).contains("revoke them first");
        api.delete("/api/v1/bootstrap-tokens/" + live, ADMIN);
        api.delete("/api/v1/bootstrap-tokens/" + second, ADMIN);
        assertThat(api.delete("/api/v1/groups/" + group, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + dead, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void aTargetStillRefusesAndTheDeadTokensStay() {
        String group = Fixtures.group(api, "hosts");
        String dead = token(group, 1).get("id").asText();
        api.delete("/api/v1/bootstrap-tokens/" + dead, ADMIN);
        String target = UUID.randomUUID().toString();
        api.put("/api/v1/targets/" + target, Map.of("hostname", "h1", "group_id", group), ADMIN);

        Api.Reply refused = api.delete("/api/v1/groups/" + group, ADMIN);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("IN_USE");
        assertThat(refused.json().get("error").asText()).contains("targets");
        assertThat(api.get("/api/v1/bootstrap-tokens/" + dead, ADMIN).status()).as("rolled back").isEqualTo(200);

        assertThat(api.delete("/api/v1/targets/" + target, ADMIN).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/groups/" + group, ADMIN).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + dead, ADMIN).status()).isEqualTo(404);
    }

    private static JsonNode token(String group, int maxUses) {
        Api.Reply r = api.post("/api/v1/bootstrap-tokens", Map.of("name", "t", "max_uses", maxUses, "group_id", group), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private static UUID enroll(String bootstrap) {
        Map<String, Object> body = new HashMap<>(Map.of("token", bootstrap, "hostname", "h", "ip_address", "127.0.0.1"));
        Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", body, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return UUID.fromString(r.json().get("agent_id").asText());
    }

    private static void sql(String statement, String arg) throws Exception {
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        }
    }

    private static long count(String query, String arg) throws Exception {
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
