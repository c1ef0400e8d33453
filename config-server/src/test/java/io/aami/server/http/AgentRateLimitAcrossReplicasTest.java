package io.aami.server.http;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * rate_limits.agent_* across two replicas: an agent that spreads its requests over both gets the configured burst in
 * all, not once per replica (each replica allows its share while two are alive).
 */
@Tag("reliability")
class AgentRateLimitAcrossReplicasTest {
    static final int BURST = 8;

    @Test
    void anAgentCannotMultiplyItsLimitByTheReplicasItReaches() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        // Stands still: no token refills while the test counts.
        MutableClock clock = MutableClock.startingNow();
        Map<String, String> env = Map.of("AAMI_RATE_LIMITS_AGENT_PER_SECOND", "1", "AAMI_RATE_LIMITS_AGENT_BURST", "" + BURST);
        try (TestServer a = TestServer.start(env, db, clock); TestServer b = TestServer.start(env, db, clock)) {
            eventually(Duration.ofSeconds(15), () -> live(a) == 2 && live(b) == 2);
            EnrolledAgent agent = Fixtures.enroll(a.api(), "spread", null);
            int accepted = 0;
            for (int i = 0; i < 2 * BURST; i++) {
                Api via = i % 2 == 0 ? a.api() : b.api();
                int status = via.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t"), agent.token())
                        .status();
                assertThat(status).isIn(200, 204, 429);
                accepted += status == 429 ? 0 : 1;
            }
            assertThat(accepted).as("requests accepted over both replicas").isEqualTo(BURST);
        }
    }

    static double live(TestServer s) {
        return s.api().get("/metrics", null).body().lines().filter(l -> l.startsWith("aami_replicas_live "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
