package io.aami.server.registration;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's record (hostname, group, labels) against what the agent reports: a pre-registered
 * target keeps the record its {@code PUT} gave, so Terraform's next identical {@code PUT} changes
 * nothing; the report is kept beside it as {@code reported_*}.
 */
class PreRegistrationTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();

    static Map<String, Object> report(String token, UUID id, String hostname, String ip, Map<String, String> labels) {
        Map<String, Object> body = new HashMap<>(Map.of("token", token, "hostname", hostname, "ip_address", ip, "labels", labels));
        if (id != null) {
            body.put("agent_id", id.toString());
        }
        return body;
    }

    static Api.Reply register(Map<String, Object> body, String agentToken) {
        return api.post("/api/v1/bootstrap-tokens/register", body, agentToken);
    }

    static JsonNode target(UUID id) {
        return api.get("/api/v1/targets/" + id, ADMIN).json();
    }

    static String token(Map<String, Object> extra) {
        return Fixtures.bootstrapToken(api, 10, extra);
    }

    @Test
    void aPreRegisteredTargetKeepsTheOperatorsRecordAndAnIdenticalPutIsThenANoOp() {
        String group = Fixtures.group(api, "tf-web");
        UUID id = UUID.randomUUID();
        Map<String, Object> tf = Map.of("hostname", "web-1.prod", "group_id", group, "labels", Map.of("role", "db", "owner", "tf"));
        assertThat(api.put("/api/v1/targets/" + id, tf, ADMIN).status()).isEqualTo(201);
        assertThat(target(id).get("reported_hostname").isNull()).isTrue();
        assertThat(target(id).get("reported_labels").isNull()).isTrue();

        clock.advance(Duration.ofSeconds(5));
        Api.Reply enrolled = register(report(token(Map.of("labels", Map.of("enrolled-by", "token"))), id, "ip-10-1-2-3",
                "10.1.2.3", Map.of("role", "web", "rack", "r1")), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(200);
        assertThat(enrolled.json().get("labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "db", "owner", "tf")));

        JsonNode t = target(id);
        assertThat(t.get("hostname").asText()).isEqualTo("web-1.prod");
        assertThat(t.get("group_id").asText()).isEqualTo(group);
        assertThat(t.get("labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "db", "owner", "tf")));
        assertThat(t.get("reported_hostname").asText()).isEqualTo("ip-10-1-2-3");
        assertThat(t.get("reported_ip").asText()).isEqualTo("10.1.2.3");
        assertThat(t.get("ip_address").asText()).isEqualTo("10.1.2.3");
        assertThat(t.get("reported_labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "web", "rack", "r1")));
        assertThat(t.get("status").asText()).isEqualTo("online");

        clock.advance(Duration.ofSeconds(5));
        Api.Reply again = api.put("/api/v1/targets/" + id, tf, ADMIN);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).as("Terraform's identical PUT after the host booted changes nothing").isEqualTo(t);
        assertThat(target(id).get("updated_at")).isEqualTo(t.get("updated_at"));
    }

    @Test
    void anOperatorsLaterPutChangesOnlyTheOperatorsFields() {
        UUID id = UUID.randomUUID();
        api.put("/api/v1/targets/" + id, Map.of("hostname", "planned", "labels", Map.of("owner", "tf")), ADMIN);
        register(report(token(Map.of()), id, "booted", "10.0.0.7", Map.of("role", "web")), null);

        Api.Reply renamed = api.put("/api/v1/targets/" + id, Map.of("hostname", "renamed", "labels", Map.of("tier", "gold")), ADMIN);
        assertThat(renamed.status()).isEqualTo(200);
        JsonNode t = renamed.json();
        assertThat(t.get("hostname").asText()).isEqualTo("renamed");
        assertThat(t.get("labels")).isEqualTo(Api.mapper().valueToTree(Map.of("tier", "gold")));
        assertThat(t.get("reported_hostname").asText()).isEqualTo("booted");
        assertThat(t.get("reported_ip").asText()).isEqualTo("10.0.0.7");
        assertThat(t.get("reported_labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "web")));
        assertThat(t.get("status").asText()).isEqualTo("online");
    }

    @Test
    void aTargetItsAgentCreatesTakesTheReportedHostnameAndKeepsTheReportToo() {
        UUID id = UUID.randomUUID();
        Api.Reply r = register(report(token(Map.of("labels", Map.of("enrolled-by", "token", "role", "token-role"))), id,
                "self-made", "10.0.0.8", Map.of("role", "web", "rack", "r2")), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode t = target(id);
        assertThat(t.get("hostname").asText()).isEqualTo("self-made");
        assertThat(t.get("labels")).as("the agent's labels with the token's over them")
                .isEqualTo(Api.mapper().valueToTree(Map.of("role", "token-role", "rack", "r2", "enrolled-by", "token")));
        assertThat(t.get("reported_hostname").asText()).isEqualTo("self-made");
        assertThat(t.get("reported_ip").asText()).isEqualTo("10.0.0.8");
        assertThat(t.get("reported_labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "web", "rack", "r2")));
    }

    @Test
    void reEnrollmentUpdatesOnlyTheReport() {
        String group = Fixtures.group(api, "re-enrolled");
        UUID id = UUID.randomUUID();
        String bootstrap = token(Map.of());
        Map<String, Object> first = report(bootstrap, id, "first-name", "10.0.0.9", Map.of("role", "web"));
        first.put("group_id", group);
        String credential = register(first, null).json().get("agent_token").asText();
        Map<String, Object> operator = Map.of("hostname", "operator-name", "group_id", group, "labels", Map.of("owner", "ops"));
        api.put("/api/v1/targets/" + id, operator, ADMIN);

        Api.Reply again = register(report(bootstrap, id, "second-name", "10.0.0.10", Map.of("role", "cache")), credential);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        JsonNode t = target(id);
        assertThat(t.get("hostname").asText()).isEqualTo("operator-name");
        assertThat(t.get("group_id").asText()).isEqualTo(group);
        assertThat(t.get("labels")).isEqualTo(Api.mapper().valueToTree(Map.of("owner", "ops")));
        assertThat(t.get("reported_hostname").asText()).isEqualTo("second-name");
        assertThat(t.get("reported_ip").asText()).isEqualTo("10.0.0.10");
        assertThat(t.get("ip_address").asText()).isEqualTo("10.0.0.10");
        assertThat(t.get("reported_labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "cache")));

        clock.advance(Duration.ofSeconds(5));
        assertThat(api.put("/api/v1/targets/" + id, operator, ADMIN).json()).isEqualTo(t);
    }

    @Test
    void aGroupTheTokenOrTheAgentNamesMustBeThePreRegisteredTargetsEvenNone() {
        String bound = Fixtures.group(api, "bound-pre");
        String bindingToken = token(Map.of("group_id", bound));
        UUID ungrouped = UUID.randomUUID();
        api.put("/api/v1/targets/" + ungrouped, Map.of("hostname", "no-group"), ADMIN);
        RegistrationTest.assertCode(register(report(bindingToken, ungrouped, "h", "10.0.1.1", Map.of()), null), 403, "GROUP_MISMATCH");
        Map<String, Object> asking = report(token(Map.of()), ungrouped, "h", "10.0.1.1", Map.of());
        asking.put("group_id", bound);
        RegistrationTest.assertCode(register(asking, null), 403, "GROUP_MISMATCH");
        JsonNode untouched = target(ungrouped);
        assertThat(untouched.get("status").asText()).isEqualTo("pending");
        assertThat(untouched.get("group_id").isNull()).isTrue();
        assertThat(untouched.get("reported_hostname").isNull()).isTrue();

        UUID inBound = UUID.randomUUID();
        api.put("/api/v1/targets/" + inBound, Map.of("hostname", "in-bound", "group_id", bound), ADMIN);
        assertThat(register(report(bindingToken, inBound, "h", "10.0.1.2", Map.of()), null).status()).isEqualTo(200);
        assertThat(target(inBound).get("group_id").asText()).isEqualTo(bound);
    }
}
