package io.aami.server.registration;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every row of the seed's matching table and every bootstrap-token failure. */
class RegistrationTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();

    static String token(Map<String, Object> extra) {
        return Fixtures.bootstrapToken(api, 10, extra);
    }

    static Map<String, Object> registration(String token, UUID agentId) {
        Map<String, Object> body = new HashMap<>(Map.of("token", token, "hostname", "host-a", "ip_address", "10.1.2.3",
                "labels", Map.of("role", "web"), "metadata", Map.of("os", "linux")));
        if (agentId != null) {
            body.put("agent_id", agentId.toString());
        }
        return body;
    }

    static Api.Reply register(Map<String, Object> body, String agentToken) {
        return api.post("/api/v1/bootstrap-tokens/register", body, agentToken);
    }

    @Test
    void newRegistrationWithIdCreatesThatTarget() {
        UUID id = UUID.randomUUID();
        Api.Reply r = register(registration(token(Map.of()), id), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("agent_id").asText()).isEqualTo(id.toString());
        assertThat(r.json().get("agent_token").asText()).startsWith("aami_agent_");
        assertThat(r.json().get("heartbeat_interval_seconds").asInt()).isEqualTo(30);
        JsonNode t = api.get("/api/v1/targets/" + id, ADMIN).json();
        assertThat(t.get("status").asText()).isEqualTo("online");
        assertThat(t.get("hostname").asText()).isEqualTo("host-a");
        assertThat(t.get("ip_address").asText()).isEqualTo("10.1.2.3");
        assertThat(t.get("metadata").get("os").asText()).isEqualTo("linux");
        assertThat(t.get("registered_at").isNull()).isFalse();
    }

    @Test
    void newRegistrationWithoutIdGetsAServerId() {
        Api.Reply r = register(registration(token(Map.of()), null), null);
        assertThat(r.status()).isEqualTo(201);
        UUID id = UUID.fromString(r.json().get("agent_id").asText());
        assertThat(api.get("/api/v1/targets/" + id, ADMIN).status()).isEqualTo(200);
    }

    @Test
    void preRegisteredTargetIsAttachedKeepingGroupAndLabels() {
        String group = api.post("/api/v1/groups", Map.of("name", "pre"), ADMIN).json().get("id").asText();
        UUID id = UUID.randomUUID();
        api.put("/api/v1/targets/" + id, Map.of("hostname", "tf-name", "group_id", group, "labels", Map.of("role", "db", "owner", "tf")), ADMIN);
        Api.Reply r = register(registration(token(Map.of()), id), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode t = api.get("/api/v1/targets/" + id, ADMIN).json();
        assertThat(t.get("group_id").asText()).isEqualTo(group);
        assertThat(t.get("labels").get("role").asText()).isEqualTo("db");
        assertThat(t.get("labels").get("owner").asText()).isEqualTo("tf");
        assertThat(t.get("status").asText()).isEqualTo("online");
        assertThat(api.get("/api/v1/targets?group_id=" + group, ADMIN).json().size()).isEqualTo(1);
    }

    // Until issue 9 request labels were added to the pre-registered ones; now they are kept apart (PreRegistrationTest).
    @Test
    void requestLabelsOfAPreRegisteredTargetAreReportedNotAdded() {
        UUID id = UUID.randomUUID();
        api.put("/api/v1/targets/" + id, Map.of("hostname", "x", "labels", Map.of("owner", "tf")), ADMIN);
        register(registration(token(Map.of()), id), null);
        JsonNode t = api.get("/api/v1/targets/" + id, ADMIN).json();
        assertThat(t.get("labels")).isEqualTo(Api.mapper().valueToTree(Map.of("owner", "tf")));
        assertThat(t.get("reported_labels")).isEqualTo(Api.mapper().valueToTree(Map.of("role", "web")));
    }

    @Test
    void registeredIdNeedsItsCurrentCredentialWhichIsThenRotated() {
        UUID id = UUID.randomUUID();
        String token = token(Map.of());
        String first = register(registration(token, id), null).json().get("agent_token").asText();

        Api.Reply stranger = register(registration(token, id), null);
        assertThat(stranger.status()).isEqualTo(409);
        assertThat(stranger.json().get("code").asText()).isEqualTo("AGENT_ALREADY_REGISTERED");
        Api.Reply wrong = register(registration(token, id), "aami_agent_not-the-right-one");
        assertThat(wrong.status()).isEqualTo(409);

        Api.Reply proven = register(registration(token, id), first);
        assertThat(proven.status()).as(proven.toString()).isEqualTo(200);
        String second = proven.json().get("agent_token").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(heartbeat(id, first).status()).isEqualTo(401);
        assertThat(heartbeat(id, second).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/targets?limit=5000", ADMIN).json().findValuesAsText("id").stream()
                .filter(id.toString()::equals)).hasSize(1);
    }

    @Test
    void tokenFailuresAre401WithTheirCode() {
        assertCode(register(registration("aami_zzzzzz.00000000000000000000000000000000", null), null), 401, "TOKEN_UNKNOWN");
        assertCode(register(registration("garbage", null), null), 401, "TOKEN_UNKNOWN");
        String good = token(Map.of());
        String wrongSecret = good.substring(0, good.indexOf('.') + 1) + "0".repeat(32);
        assertCode(register(registration(wrongSecret, null), null), 401, "TOKEN_UNKNOWN");

        String revoked = token(Map.of());
        api.delete("/api/v1/bootstrap-tokens/" + revoked.substring(5, 11), ADMIN);
        assertCode(register(registration(revoked, null), null), 401, "TOKEN_REVOKED");

        String once = token(Map.of("max_uses", 1));
        assertThat(register(registration(once, null), null).status()).isEqualTo(201);
        assertCode(register(registration(once, null), null), 401, "TOKEN_EXHAUSTED");

        String shortLived = token(Map.of("ttl_seconds", 60));
        clock.advance(Duration.ofSeconds(61));
        assertCode(register(registration(shortLived, null), null), 401, "TOKEN_EXPIRED");
        assertCode(api.post("/api/v1/bootstrap-tokens/register", Map.of("hostname", "h"), null), 400, "VALIDATION_FAILED");
    }

    @Test
    void refusedRegistrationConsumesNothingAndStoresNothing() {
        String token = token(Map.of("max_uses", 1));
        Map<String, Object> bad = registration(token, null);
        bad.put("ip_address", "999.1.1.1");
        assertCode(register(bad, null), 400, "VALIDATION_FAILED");
        String tokenId = token.substring(5, 11);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + tokenId, ADMIN).json().get("uses").asInt()).isZero();
        assertThat(register(registration(token, null), null).status()).isEqualTo(201);
    }

    @Test
    void groupBoundTokenPlacesTargetAndRefusesOtherGroups() {
        String bound = api.post("/api/v1/groups", Map.of("name", "bound"), ADMIN).json().get("id").asText();
        String other = api.post("/api/v1/groups", Map.of("name", "other"), ADMIN).json().get("id").asText();
        String token = token(Map.of("group_id", bound, "labels", Map.of("enrolled-by", "bound-token")));
        Api.Reply ok = register(registration(token, null), null);
        assertThat(ok.status()).isEqualTo(201);
        JsonNode t = api.get("/api/v1/targets/" + ok.json().get("agent_id").asText(), ADMIN).json();
        assertThat(t.get("group_id").asText()).isEqualTo(bound);
        assertThat(t.get("labels").get("enrolled-by").asText()).isEqualTo("bound-token");

        Map<String, Object> elsewhere = registration(token, null);
        elsewhere.put("group_id", other);
        assertCode(register(elsewhere, null), 403, "GROUP_MISMATCH");
    }

    @Test
    void sixConcurrentRegistrationsWithOneUseGiveExactlyOneSuccess() throws Exception {
        String token = token(Map.of("max_uses", 1));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Api.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Callable<Api.Reply> call = () -> {
                go.await();
                return register(registration(token, UUID.randomUUID()), null);
            };
            replies.add(pool.submit(call));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Api.Reply> f : replies) {
            Api.Reply r = f.get();
            statuses.add(r.status());
            if (r.status() != 201) {
                assertThat(r.json().get("code").asText()).isEqualTo("TOKEN_EXHAUSTED");
            }
        }
        pool.shutdown();
        assertThat(statuses).containsOnlyOnce(201).filteredOn(s -> s == 401).hasSize(5);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + token.substring(5, 11), ADMIN).json().get("uses").asInt()).isEqualTo(1);
    }

    static Api.Reply heartbeat(UUID id, String agentToken) {
        return api.post("/api/v1/agents/" + id + "/heartbeat", Map.of("agent_version", "test", "uptime_seconds", 1), agentToken);
    }

    static void assertCode(Api.Reply r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().get("code").asText()).isEqualTo(code);
    }
}
