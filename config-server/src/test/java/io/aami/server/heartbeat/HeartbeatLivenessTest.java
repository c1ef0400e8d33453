package io.aami.server.heartbeat;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HeartbeatLivenessTest {
    private static final Map<String, String> SLOW_SWEEP = Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h");

    record Agent(UUID id, String token) {
    }

    static Agent enroll(Api api, String hostname) {
        String bootstrap = api.post("/api/v1/bootstrap-tokens", Map.of("name", "t", "max_uses", 10), ADMIN).json().get("token").asText();
        JsonNode r = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", bootstrap, "hostname", hostname), null).json();
        return new Agent(UUID.fromString(r.get("agent_id").asText()), r.get("agent_token").asText());
    }

    static Api.Reply beat(Api api, Agent a, String bearer) {
        return api.post("/api/v1/agents/" + a.id() + "/heartbeat",
                Map.of("agent_version", "1.2.3", "uptime_seconds", 42, "queue_depth", 3), bearer);
    }

    @Test
    void heartbeatAnswersAndShowsOnTheTarget() {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer server = TestServer.start(SLOW_SWEEP, TestDatabase.fresh(), clock)) {
            Agent a = enroll(server.api(), "a");
            Api.Reply r = beat(server.api(), a, a.token());
            assertThat(r.status()).isEqualTo(200);
            assertThat(Instant.parse(r.json().get("server_time").asText())).isEqualTo(clock.instant());
            assertThat(r.json().get("heartbeat_interval_seconds").asInt()).isEqualTo(30);
            server.running().flushHeartbeats();
            JsonNode t = server.api().get("/api/v1/targets/" + a.id(), ADMIN).json();
            assertThat(t.get("agent_version").asText()).isEqualTo("1.2.3");
            assertThat(t.get("uptime_seconds").asLong()).isEqualTo(42);
            assertThat(t.get("queue_depth").asInt()).isEqualTo(3);
            assertThat(Instant.parse(t.get("last_heartbeat_at").asText())).isEqualTo(clock.instant());
            assertThat(t.get("policy_error").isNull()).isTrue();

            // An agent that refused its bundle says why; the operator sees it until the agent accepts one.
            server.api().post("/api/v1/agents/" + a.id() + "/heartbeat", Map.of("agent_version", "1.2.3",
                    "policy_version", 7, "policy_error", "bundle signature does not verify"), a.token());
            server.running().flushHeartbeats();
            t = server.api().get("/api/v1/targets/" + a.id(), ADMIN).json();
            assertThat(t.get("policy_error").asText()).isEqualTo("bundle signature does not verify");
            assertThat(t.get("policy_version").asLong()).isEqualTo(7);
            beat(server.api(), a, a.token());
            server.running().flushHeartbeats();
            assertThat(server.api().get("/api/v1/targets/" + a.id(), ADMIN).json().get("policy_error").isNull()).isTrue();
            assertThat(server.api().post("/api/v1/agents/" + a.id() + "/heartbeat",
                    Map.of("policy_error", "x".repeat(2000)), a.token()).status()).isEqualTo(400);
        }
    }

    @Test
    void credentialsAreCheckedAndBoundToThePath() {
        try (TestServer server = TestServer.start(SLOW_SWEEP)) {
            Agent a = enroll(server.api(), "a");
            Agent b = enroll(server.api(), "b");
            Api.Reply none = beat(server.api(), a, null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(beat(server.api(), a, "aami_agent_forged").status()).isEqualTo(401);
            assertThat(beat(server.api(), a, ADMIN).status()).isEqualTo(401);
            Api.Reply crossed = beat(server.api(), b, a.token());
            assertThat(crossed.status()).isEqualTo(403);
            assertThat(crossed.json().get("code").asText()).isEqualTo("FORBIDDEN");
            assertThat(server.api().post("/api/v1/agents/" + a.id() + "/heartbeat", "{\"uptime_seconds\": -1}", a.token()).status())
                    .isEqualTo(400);
        }
    }

    @Test
    void missedHeartbeatsMakeATargetOfflineAndARestartRemembers() {
        MutableClock clock = MutableClock.startingNow();
        TestDatabase.Coordinates db = TestDatabase.fresh();
        Agent quiet;
        Agent chatty;
        try (TestServer server = TestServer.start(SLOW_SWEEP, db, clock)) {
            quiet = enroll(server.api(), "quiet");
            chatty = enroll(server.api(), "chatty");
            clock.advance(Duration.ofSeconds(89));
            assertThat(server.running().sweepNow()).isZero();
            beat(server.api(), chatty, chatty.token());
            server.running().flushHeartbeats();
            clock.advance(Duration.ofSeconds(2));
            assertThat(server.running().sweepNow()).isEqualTo(1);
            assertThat(status(server, quiet)).isEqualTo("offline");
            assertThat(status(server, chatty)).isEqualTo("online");
            assertThat(server.api().get("/api/v1/targets?status=offline", ADMIN).json().findValuesAsText("id"))
                    .containsExactly(quiet.id().toString());
        }
        try (TestServer restarted = TestServer.start(SLOW_SWEEP, db, clock)) {
            assertThat(status(restarted, quiet)).isEqualTo("offline");
            assertThat(status(restarted, chatty)).isEqualTo("online");
            assertThat(restarted.running().sweepNow()).isZero();
            beat(restarted.api(), quiet, quiet.token());
            restarted.running().flushHeartbeats();
            assertThat(status(restarted, quiet)).isEqualTo("online");
            clock.advance(Duration.ofSeconds(91));
            assertThat(restarted.running().sweepNow()).isEqualTo(2);
        }
    }

    static String status(TestServer s, Agent a) {
        return s.api().get("/api/v1/targets/" + a.id(), ADMIN).json().get("status").asText();
    }
}
