package io.aami.server.sd;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/sd/prometheus} on a real server and database: which agents are listed at which address,
 * their labels, and who may ask.
 */
class PrometheusSdApiTest {
    static final String SD = "/api/v1/sd/prometheus";
    static TestServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        api = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listsReachableLocalApisWithTheirMetaLabels() {
        String web = Fixtures.group(api, "web-sd");
        UUID id = UUID.randomUUID();
        Api.Reply put = api.put("/api/v1/targets/" + id, Map.of("hostname", "web-1.example", "group_id", web,
                "labels", Map.of("env", "prod", "team.name", "ops")), ADMIN);
        assertThat(put.status()).as(put.toString()).isLessThan(300);
        EnrolledAgent preRegistered = enroll(id, "ip-10-0-0-7", "198.51.100.7");
        heartbeat(preRegistered, Map.of("host", "198.51.100.7", "port", 8469));
        EnrolledAgent wildcard = enroll(null, "wild", "198.51.100.8");
        heartbeat(wildcard, Map.of("host", "0.0.0.0", "port", 8470));
        EnrolledAgent v6 = enroll(null, "six", "2001:db8::5");
        heartbeat(v6, Map.of("host", "::", "port", 8471));
        EnrolledAgent otherLoopback = enroll(null, "other-loopback", "198.51.100.9");
        heartbeat(otherLoopback, Map.of("host", "127.0.0.2", "port", 8472));

        Api.Reply reply = api.get(SD, ADMIN);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode entry = entry(reply.json(), preRegistered.id());
        assertThat(entry.get("targets").get(0).asText()).isEqualTo("198.51.100.7:8469");
        assertThat(labels(entry)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "__meta_aami_agent_id", id.toString(),
                "__meta_aami_hostname", "web-1.example",
                "__meta_aami_reported_hostname", "ip-10-0-0-7",
                "__meta_aami_group_id", web,
                "__meta_aami_group_name", "web-sd",
                "__meta_aami_label_env", "prod",
                "__meta_aami_label_team_name", "ops"));
        assertThat(entry(reply.json(), wildcard.id()).get("targets").get(0).asText())
                .as("a wildcard bind is listed at the address the agent reported").isEqualTo("198.51.100.8:8470");
        assertThat(entry(reply.json(), v6.id()).get("targets").get(0).asText()).as("IPv6 in brackets, as stored (canonical)")
                .isEqualTo("[2001:db8:0:0:0:0:0:5]:8471");
        assertThat(entry(reply.json(), otherLoopback.id()).get("targets").get(0).asText()).isEqualTo("127.0.0.2:8472");
        assertThat(labels(entry(reply.json(), wildcard.id()))).as("no group, no group labels")
                .doesNotContainKeys("__meta_aami_group_id", "__meta_aami_group_name");
    }

    @Test
    void unreachableDisabledPendingAndRevokedAgentsAreNotListed() {
        EnrolledAgent loopback = enroll(null, "loop", "198.51.100.20");
        heartbeat(loopback, Map.of("host", "127.0.0.1", "port", 8469));
        EnrolledAgent v6Loopback = enroll(null, "loop6", "198.51.100.21");
        heartbeat(v6Loopback, Map.of("host", "::1", "port", 8469));
        EnrolledAgent wildcardOnLoopback = enroll(null, "wild-loop", "127.0.0.1");
        heartbeat(wildcardOnLoopback, Map.of("host", "0.0.0.0", "port", 8469));
        EnrolledAgent apiOff = enroll(null, "off", "198.51.100.22");
        heartbeat(apiOff, null);
        EnrolledAgent revoked = enroll(null, "revoked", "198.51.100.23");
        heartbeat(revoked, Map.of("host", "198.51.100.23", "port", 8469));
        assertThat(api.post("/api/v1/targets/" + revoked.id() + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);
        EnrolledAgent turnedOff = enroll(null, "turned-off", "198.51.100.24");
        heartbeat(turnedOff, Map.of("host", "198.51.100.24", "port", 8469));
        assertThat(ids(api.get(SD, ADMIN).json())).contains(turnedOff.id().toString());
        heartbeat(turnedOff, null);
        UUID pending = UUID.randomUUID();
        api.put("/api/v1/targets/" + pending, Map.of("hostname", "pending"), ADMIN);

        assertThat(ids(api.get(SD, ADMIN).json())).doesNotContain(loopback.id().toString(), v6Loopback.id().toString(),
                wildcardOnLoopback.id().toString(), apiOff.id().toString(), revoked.id().toString(), turnedOff.id().toString(),
                pending.toString());
    }

    @Test
    void onlyTheAdminTokenMayAsk() {
        EnrolledAgent agent = enroll(null, "asker", "198.51.100.30");
        assertThat(api.get(SD, null).status()).isEqualTo(401);
        assertThat(api.get(SD, "not-the-admin-token").status()).isEqualTo(401);
        assertThat(api.get(SD, agent.token()).status()).as("an agent's credential is not the admin's").isEqualTo(401);
        assertThat(api.get(SD, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void aMalformedLocalApiIsA400NamingTheField() {
        EnrolledAgent agent = enroll(null, "bad", "198.51.100.40");
        for (Map.Entry<Map<String, Object>, String> c : Map.of(
                Map.<String, Object>of("host", "198.51.100.40", "port", 0), "local_api.port",
                Map.<String, Object>of("host", "198.51.100.40", "port", 65536), "local_api.port",
                Map.<String, Object>of("host", "198.51.100.40"), "local_api.port",
                Map.<String, Object>of("host", "a b", "port", 8469), "local_api.host",
                Map.<String, Object>of("host", "", "port", 8469), "local_api.host",
                Map.<String, Object>of("host", "999.1.1.1", "port", 8469), "local_api.host").entrySet()) {
            Api.Reply r = api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t", "local_api", c.getKey()),
                    agent.token());
            assertThat(r.status()).as(c.getKey() + " " + r).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo(c.getValue());
        }
    }

    private static EnrolledAgent enroll(UUID id, String hostname, String ip) {
        Map<String, Object> body = new HashMap<>(Map.of("token", Fixtures.bootstrapToken(api, 1, Map.of()), "hostname", hostname,
                "ip_address", ip));
        if (id != null) {
            body.put("agent_id", id.toString());
        }
        Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", body, null);
        assertThat(r.status()).as(r.toString()).isLessThan(300);
        return new EnrolledAgent(UUID.fromString(r.json().get("agent_id").asText()), r.json().get("agent_token").asText());
    }

    private static void heartbeat(EnrolledAgent agent, Map<String, Object> localApi) {
        Map<String, Object> body = new HashMap<>(Map.of("agent_version", "t"));
        if (localApi != null) {
            body.put("local_api", localApi);
        }
        Api.Reply r = api.post("/api/v1/agents/" + agent.id() + "/heartbeat", body, agent.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        server.running().flushHeartbeats();
    }

    private static List<String> ids(JsonNode sd) {
        return sd.findValuesAsText("__meta_aami_agent_id");
    }

    private static JsonNode entry(JsonNode sd, UUID id) {
        for (JsonNode e : sd) {
            if (e.get("labels").get("__meta_aami_agent_id").asText().equals(id.toString())) {
                return e;
            }
        }
        throw new AssertionError("agent " + id + " not listed in " + sd);
    }

    private static Map<String, String> labels(JsonNode entry) {
        Map<String, String> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.get("labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }
}
