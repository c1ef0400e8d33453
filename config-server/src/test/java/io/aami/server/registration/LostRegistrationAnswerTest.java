package io.aami.server.registration;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A re-enrollment rotates the agent token on commit; when its answer is lost the agent holds only the
 * replaced token. The retry succeeds with it, once the agent uses the answer the replaced token is
 * dead, and nobody can replay it later (TLS off: the agent token is the credential).
 */
class LostRegistrationAnswerTest {
    static final Duration WINDOW = Duration.ofMinutes(2);
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_BOOTSTRAP_TOKENS_REGISTRATION_RETRY_WINDOW", "2m"), clock);
    static final Api api = server.api();

    static Api.Reply register(String bootstrap, UUID id, String agentToken) {
        return api.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "agent_id", id.toString(),
                "hostname", "lost-answer"), agentToken);
    }

    static String enroll(UUID id) {
        Api.Reply r = register(Fixtures.bootstrapToken(api, 1, Map.of()), id, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("agent_token").asText();
    }

    static int heartbeat(UUID id, String agentToken) {
        return api.post("/api/v1/agents/" + id + "/heartbeat", Map.of("agent_version", "t"), agentToken).status();
    }

    static void assertAlreadyRegistered(Api.Reply r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("code").asText()).isEqualTo("AGENT_ALREADY_REGISTERED");
    }

    @Test
    void aRetryWithTheReplacedTokenSucceedsAndAfterwardsThatTokenIsDeadForEveryone() {
        UUID id = UUID.randomUUID();
        String first = enroll(id);
        String bootstrap = Fixtures.bootstrapToken(api, 1, Map.of());
        String lost = register(bootstrap, id, first).json().get("agent_token").asText();
        assertThat(heartbeat(id, first)).as("a rotated agent token stops working").isEqualTo(401);

        Api.Reply retried = register(bootstrap, id, first);
        assertThat(retried.status()).as("the single-use bootstrap token was counted already; " + retried).isEqualTo(200);
        String current = retried.json().get("agent_token").asText();
        assertThat(current).isNotIn(first, lost);
        assertThat(heartbeat(id, current)).isEqualTo(200);
        assertThat(heartbeat(id, first)).isEqualTo(401);
        assertThat(heartbeat(id, lost)).as("the answer nobody received is dead too").isEqualTo(401);

        assertAlreadyRegistered(register(Fixtures.bootstrapToken(api, 1, Map.of()), id, first));
        assertThat(heartbeat(id, current)).as("the replay changed nothing").isEqualTo(200);
        JsonNode uses = api.get("/api/v1/bootstrap-tokens/" + bootstrap.substring(5, 11), ADMIN).json();
        assertThat(uses.get("uses").asInt()).isEqualTo(1);
        JsonNode audit = api.get("/api/v1/bootstrap-tokens/" + bootstrap.substring(5, 11) + "/uses", ADMIN).json();
        assertThat(audit.findValuesAsText("outcome")).containsExactlyInAnyOrder("re-enrolled", "retried");
    }

    @Test
    void aRetryWhoseAnswerIsLostTooCanBeRetriedAgain() {
        UUID id = UUID.randomUUID();
        String first = enroll(id);
        String bootstrap = Fixtures.bootstrapToken(api, 5, Map.of());
        assertThat(register(bootstrap, id, first).status()).isEqualTo(200);
        assertThat(register(bootstrap, id, first).status()).isEqualTo(200);
        Api.Reply third = register(bootstrap, id, first);
        assertThat(third.status()).isEqualTo(200);
        assertThat(heartbeat(id, third.json().get("agent_token").asText())).isEqualTo(200);
        assertAlreadyRegistered(register(bootstrap, id, first));
    }

    @Test
    void aRetryAfterTheWindowIsRefused() {
        UUID id = UUID.randomUUID();
        String first = enroll(id);
        String bootstrap = Fixtures.bootstrapToken(api, 5, Map.of("ttl_seconds", 3600));
        assertThat(register(bootstrap, id, first).status()).isEqualTo(200);
        clock.advance(WINDOW.plusSeconds(1));
        assertAlreadyRegistered(register(bootstrap, id, first));
    }

    @Test
    void aTokenlessClaimIsNoRetryAndTheWindowIsNotKeptInClear() throws Exception {
        UUID id = UUID.randomUUID();
        String first = enroll(id);
        String bootstrap = Fixtures.bootstrapToken(api, 5, Map.of());
        String lost = register(bootstrap, id, first).json().get("agent_token").asText();
        assertAlreadyRegistered(register(bootstrap, id, null));
        assertAlreadyRegistered(register(bootstrap, id, "aami_agent_guess"));
        var db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT t::text FROM targets t WHERE id = '" + id + "'")) {
            rs.next();
            assertThat(rs.getString(1)).doesNotContain(first).doesNotContain(lost);
        }
        assertThat(heartbeat(id, lost)).as("the window closes when the agent uses its answer").isEqualTo(200);
        assertAlreadyRegistered(register(bootstrap, id, first));
    }

    @Test
    void withoutTlsAFirstEnrollmentWithAChosenTokenIsRetriedByItsHashAndTheAnswerNeverCarriesAToken() {
        UUID id = UUID.randomUUID();
        String chosen = new io.aami.server.security.Secrets(new java.security.SecureRandom()).agentToken();
        String hash = java.util.HexFormat.of().formatHex(io.aami.server.security.Secrets.sha256(chosen));
        // Uses to spare, so that only the claim itself can refuse another hash.
        String bootstrap = Fixtures.bootstrapToken(api, 5, Map.of());
        Map<String, Object> body = Map.of("token", bootstrap, "agent_id", id.toString(), "hostname", "lost-answer",
                "agent_token_sha256", hash);
        Api.Reply lost = api.post("/api/v1/bootstrap-tokens/register", body, null);
        assertThat(lost.status()).as(lost.toString()).isEqualTo(201);
        assertThat(lost.body()).doesNotContain(chosen).doesNotContain("aami_agent_");
        String otherHash = java.util.HexFormat.of().formatHex(io.aami.server.security.Secrets.sha256(chosen + "x"));
        assertAlreadyRegistered(api.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "agent_id", id.toString(),
                "hostname", "lost-answer", "agent_token_sha256", otherHash), null));
        Api.Reply retried = api.post("/api/v1/bootstrap-tokens/register", body, null);
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertThat(retried.body()).doesNotContain("aami_agent_");
        assertThat(heartbeat(id, chosen)).as("the chosen token is the credential").isEqualTo(200);
        assertAlreadyRegistered(api.post("/api/v1/bootstrap-tokens/register", body, null));
        assertThat(api.get("/api/v1/bootstrap-tokens/" + bootstrap.substring(5, 11), ADMIN).json().get("uses").asInt()).isEqualTo(1);
        JsonNode audit = api.get("/api/v1/bootstrap-tokens/" + bootstrap.substring(5, 11) + "/uses", ADMIN).json();
        assertThat(audit.findValuesAsText("outcome")).containsExactlyInAnyOrder("enrolled", "AGENT_ALREADY_REGISTERED", "retried",
                "AGENT_ALREADY_REGISTERED");
    }
}
