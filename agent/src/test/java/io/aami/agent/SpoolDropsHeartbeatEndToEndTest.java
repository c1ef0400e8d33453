package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heartbeat says how many results the agent's spools dropped: 0 before any drop (not "unknown"), then, after the
 * real spool fills with undelivered results and drops its oldest segments, the count the server shows on the target
 * and totals in the fleet summary.
 */
class SpoolDropsHeartbeatEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void theHeartbeatCarriesTheSpoolsDropCountAfterARealDrop() throws Exception {
        try (TestServer server = TestServer.start(ChecksEndToEndTest.SERVER)) {
            Api api = server.api();
            // 64 KiB of output a second into a spool of two 80 KiB segments that nothing empties: a drop within seconds.
            Fixtures.createCheck(api, Fixtures.check("big", "head -c 65536 /dev/zero | tr '\\0' x", 1, Map.of("global", true)));
            Map<String, String> env = TestAgentConfig.env(dir, "127.0.0.1:" + server.port(), Fixtures.bootstrapToken(api, 1, Map.of()));
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_POLICY_WAIT", "5s");
            env.put("AAMI_CHECKS_FLUSH_INTERVAL", "1h");
            env.put("AAMI_CHECKS_RESULT_BUFFER_SIZE", "100000");
            env.put("AAMI_CHECKS_OUTPUT_MAX_BYTES", "64KiB");
            env.put("AAMI_SPOOL_SEGMENT_BYTES", "80KiB");
            env.put("AAMI_SPOOL_MAX_BYTES", "160KiB");
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(20), "a heartbeat saying 0", () -> target(api, id).path("spool_dropped").isIntegralNumber());
                assertThat(target(api, id).get("spool_dropped").asLong()).as("nothing dropped before the spool fills").isZero();

                eventually(Duration.ofSeconds(60), "a heartbeat after a drop", () -> target(api, id).path("spool_dropped").asLong() > 0);
                long dropped = target(api, id).get("spool_dropped").asLong();
                assertThat(api.get("/api/v1/targets/" + id + "/check-results", ADMIN).json().size()).as("nothing was delivered").isZero();
                JsonNode spool = api.get("/api/v1/fleet/summary", ADMIN).json().get("spool");
                assertThat(spool.get("targets").asLong()).isEqualTo(1);
                assertThat(spool.get("dropped").asLong()).isGreaterThanOrEqualTo(dropped);
            }
        }
    }

    private static JsonNode target(Api api, UUID id) {
        return api.get("/api/v1/targets/" + id, ADMIN).json();
    }
}
