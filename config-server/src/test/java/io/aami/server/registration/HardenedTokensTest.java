package io.aami.server.registration;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Source restrictions, audit, revocation (also through the token), retired ids, and no plaintext secret stored. */
class HardenedTokensTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    static String token(Map<String, Object> extra) {
        return Fixtures.bootstrapToken(api, 10, extra);
    }

    static Api.Reply register(String token, UUID id) {
        Map<String, Object> body = new HashMap<>(Map.of("token", token, "hostname", "h"));
        if (id != null) {
            body.put("agent_id", id.toString());
        }
        return api.post("/api/v1/bootstrap-tokens/register", body, null);
    }

    static Api.Reply heartbeat(EnrolledAgent a) {
        return api.post("/api/v1/agents/" + a.id() + "/heartbeat", Map.of("agent_version", "t"), a.token());
    }

    @Test
    void aTokenRestrictedToOtherNetworksIsRefusedHereAndTheAttemptAudited() {
        String foreign = token(Map.of("allowed_cidrs", List.of("10.0.0.0/8", "fd00::/8")));
        Api.Reply r = register(foreign, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("code").asText()).isEqualTo("SOURCE_NOT_ALLOWED");
        String local = token(Map.of("allowed_cidrs", List.of("127.0.0.0/8", "::1/128")));
        assertThat(register(local, null).status()).isEqualTo(201);

        JsonNode uses = api.get("/api/v1/bootstrap-tokens/" + foreign.substring(5, 11) + "/uses", ADMIN).json();
        assertThat(uses.get(0).get("outcome").asText()).isEqualTo("SOURCE_NOT_ALLOWED");
        assertThat(uses.get(0).get("source_ip").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        JsonNode ok = api.get("/api/v1/bootstrap-tokens/" + local.substring(5, 11) + "/uses", ADMIN).json();
        assertThat(ok.get(0).get("outcome").asText()).isEqualTo("enrolled");
        assertThat(ok.get(0).get("target_id").isNull()).isFalse();
        assertThat(ok.get(0).get("used_at").isNull()).isFalse();
    }

    @Test
    void aRevokedAgentIsRefusedOnItsNextRequestAndItsIdIsNeverReused() {
        EnrolledAgent a = Fixtures.enroll(api, "to-revoke", null);
        assertThat(heartbeat(a).status()).isEqualTo(200);
        JsonNode revoked = api.post("/api/v1/targets/" + a.id() + "/revoke", Map.of(), ADMIN).json();
        assertThat(revoked.get("status").asText()).isEqualTo("revoked");
        Api.Reply refused = heartbeat(a);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("AGENT_REVOKED");
        assertThat(api.get("/api/v1/checks/target/" + a.id(), a.token()).status()).isEqualTo(403);
        assertThat(register(token(Map.of()), a.id()).json().get("code").asText()).isEqualTo("AGENT_REVOKED");
        server.running().flushHeartbeats();
        assertThat(api.get("/api/v1/targets/" + a.id(), ADMIN).json().get("status").asText()).isEqualTo("revoked");
    }

    @Test
    void aDeletedTargetsIdCanNeitherEnrollNorBePreRegisteredAgain() {
        EnrolledAgent a = Fixtures.enroll(api, "to-delete", null);
        assertThat(api.delete("/api/v1/targets/" + a.id(), ADMIN).status()).isEqualTo(204);
        Api.Reply again = register(token(Map.of()), a.id());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asText()).isEqualTo("AGENT_ID_RETIRED");
        Api.Reply put = api.put("/api/v1/targets/" + a.id(), Map.of("hostname", "back"), ADMIN);
        assertThat(put.status()).isEqualTo(409);
        assertThat(put.json().get("code").asText()).isEqualTo("AGENT_ID_RETIRED");
    }

    @Test
    void revokingATokenCanRevokeTheAgentsItEnrolled() {
        String t = token(Map.of());
        UUID first = UUID.fromString(register(t, null).json().get("agent_id").asText());
        UUID second = UUID.fromString(register(t, null).json().get("agent_id").asText());
        EnrolledAgent bystander = Fixtures.enroll(api, "bystander", null);
        Api.Reply r = api.delete("/api/v1/bootstrap-tokens/" + t.substring(5, 11) + "?revoke_agents=true", ADMIN);
        assertThat(r.json().get("revoked_agents").asInt()).isEqualTo(2);
        assertThat(api.get("/api/v1/targets/" + first, ADMIN).json().get("status").asText()).isEqualTo("revoked");
        assertThat(api.get("/api/v1/targets/" + second, ADMIN).json().get("status").asText()).isEqualTo("revoked");
        assertThat(heartbeat(bystander).status()).isEqualTo(200);
        assertThat(register(t, null).json().get("code").asText()).isEqualTo("TOKEN_REVOKED");
    }

    @Test
    void noPlaintextSecretIsStoredAnywhere() throws Exception {
        String bootstrap = token(Map.of());
        JsonNode reg = register(bootstrap, null).json();
        List<String> secrets = List.of(bootstrap.substring(12), reg.get("agent_token").asText(), ADMIN);
        var db = server.database();
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (rs.next()) {
                        for (String secret : secrets) {
                            assertThat(rs.getString(1)).as(table).doesNotContain(secret);
                        }
                    }
                }
            }
        }
        assertThat(tables).contains("bootstrap_tokens", "targets", "bootstrap_token_uses");
    }

    @Test
    void enrollmentAndAgentRequestsAreRateLimitedWith429() {
        try (TestServer limited = TestServer.start(Map.of("AAMI_RATE_LIMITS_ENROLL_PER_MINUTE", "1",
                "AAMI_RATE_LIMITS_ENROLL_BURST", "2", "AAMI_RATE_LIMITS_AGENT_PER_SECOND", "1", "AAMI_RATE_LIMITS_AGENT_BURST", "3"))) {
            Api l = limited.api();
            EnrolledAgent a = Fixtures.enroll(l, "first", null);
            String t = Fixtures.bootstrapToken(l, 5, Map.of());
            Api.Reply second = l.post("/api/v1/bootstrap-tokens/register", Map.of("token", t, "hostname", "x"), null);
            assertThat(second.status()).isEqualTo(201);
            Api.Reply third = l.post("/api/v1/bootstrap-tokens/register", Map.of("token", t, "hostname", "y"), null);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.json().get("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(Integer.parseInt(third.header("Retry-After").orElseThrow())).isPositive();

            int limitedCount = 0;
            for (int i = 0; i < 6; i++) {
                Api.Reply r = l.post("/api/v1/agents/" + a.id() + "/heartbeat", Map.of("agent_version", "t"), a.token());
                limitedCount += r.status() == 429 ? 1 : 0;
            }
            assertThat(limitedCount).isGreaterThanOrEqualTo(2);
            assertThat(l.get("/api/v1/groups", ADMIN).status()).isEqualTo(200);
        }
    }
}
