package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 7 (README "Reliability"): two real agents whose clocks (injected) run 10 minutes ahead of and behind
 * the server's. Both enroll, take and keep their signed bundle (a week's expiry), and every result is stored once with
 * the agent's {@code executed_at}; the latest state moves on with each run and history lists them in the agent's order.
 * Staleness counts from {@code least(executed_at, received_at)}: the agent ahead stays fresh, the one behind by more than
 * 2 × interval + timeout is stale, as documented. On the wire, an agent's numbered results are never refused for their
 * time; an unnumbered one more than 5 minutes ahead is (400 naming {@code executed_at}).
 */
@Tag("reliability")
class ClockSkewFaultTest {
    private static final Duration SKEW = Duration.ofMinutes(10);

    @TempDir
    Path dir;
    private final Map<java.util.UUID, Integer> apiPorts = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void agentsTenMinutesAheadAndBehindKeepWorkingAsDocumented() throws Exception {
        try (TestServer server = TestServer.start(ChecksEndToEndTest.SERVER)) {
            Api api = server.api();
            String check = Fixtures.createCheck(api, Fixtures.check("skew", "echo skew", 1, Map.of("global", true)));
            String token = Fixtures.bootstrapToken(api, 2, Map.of());
            long started = System.nanoTime();
            try (Agent ahead = start(server, token, "ahead", SKEW); Agent behind = start(server, token, "behind", SKEW.negated())) {
                for (Agent a : List.of(ahead, behind)) {
                    eventually(Duration.ofSeconds(30), () -> SpoolResetEndToEndTest.stored(server.database(), a.agentId()) >= 3);
                }
                Duration firstResults = Duration.ofNanos(System.nanoTime() - started);
                for (Agent a : List.of(ahead, behind)) {
                    JsonNode target = api.get("/api/v1/targets/" + a.agentId(), ADMIN).json();
                    assertThat(target.path("policy_error").isNull() || target.path("policy_error").isMissingNode())
                            .as("the bundle is taken: " + target).isTrue();
                    latestMovesOnAndHistoryIsInOrder(api, a.agentId());
                }
                assertThat(offsetSeconds(server, ahead.agentId())).isBetween(SKEW.toSeconds() - 30, SKEW.toSeconds() + 5);
                assertThat(offsetSeconds(server, behind.agentId())).isBetween(-SKEW.toSeconds() - 30, -SKEW.toSeconds() + 5);
                assertThat(stale(api, ahead.agentId())).as("a clock ahead cannot make results look older").isFalse();
                assertThat(stale(api, behind.agentId())).as("behind by more than 2 x interval + timeout: stale").isTrue();

                wireRules(api, behind.agentId(), check, dir.resolve("behind/state/credentials.json"));

                // Produced is what each agent appended to its spool by its own count (its /metrics), read now; every
                // one of those seqs (its one epoch numbers from 1) must then be stored exactly once. Results the agents
                // make meanwhile have higher seqs and are not counted.
                long produced = 0;
                long distinct = 0;
                long rows = 0;
                for (Agent a : List.of(ahead, behind)) {
                    long appended = (long) DiskFullFaultTest.metric(apiPorts.get(a.agentId()), "aami_agent_spool_appended_total{stream=\"checks\"}");
                    assertThat(appended).as("the agent's own count of results it made").isGreaterThanOrEqualTo(3);
                    String where = " FROM check_results WHERE target_id = '" + a.agentId() + "' AND output NOT IN ('wire', 'script')"
                            + " AND seq <= " + appended;
                    eventually(Duration.ofSeconds(30), "every result the agent made delivered",
                            () -> SpoolResetEndToEndTest.queryRow(server.database(), "SELECT count(DISTINCT (epoch, seq))" + where)[0] >= appended);
                    long[] counts = SpoolResetEndToEndTest.queryRow(server.database(), "SELECT count(*), count(DISTINCT (epoch, seq)), count(DISTINCT epoch)" + where);
                    assertThat(counts[2]).as("one epoch: a fresh spool").isEqualTo(1);
                    rows += counts[0];
                    distinct += counts[1];
                    produced += appended;
                }
                new FaultFigures("7-clock-skew", produced, distinct, rows - distinct, produced - distinct, 0, firstResults).report();
            }
        }
    }

    private Agent start(TestServer server, String token, String name, Duration skew) throws Exception {
        // Scripts run as 'nobody', who must pass through the temp dir to the checks work dir (as TestAgentConfig.env does).
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectories(dir.resolve(name));
        Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(home, "127.0.0.1:" + server.port(), token));
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        int apiPort = DiskFullFaultTest.freePort();
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort); // its /metrics: how many results it made
        AgentConfig cfg = AgentConfigLoader.load(null, env);
        Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.offset(Clock.systemUTC(), skew));
        apiPorts.put(agent.agentId(), apiPort);
        return agent;
    }

    private static void latestMovesOnAndHistoryIsInOrder(Api api, UUID id) throws Exception {
        long before = latest(api, id).get("seq").asLong();
        eventually(Duration.ofSeconds(15), "the latest state moves on", () -> latest(api, id).get("seq").asLong() > before);
        JsonNode history = api.get("/api/v1/targets/" + id + "/check-results?since=2000-01-01T00:00:00Z&limit=1000", ADMIN).json();
        List<Long> seqs = new ArrayList<>();
        history.forEach(r -> seqs.add(r.get("seq").asLong()));
        assertThat(seqs).as("newest first, in the agent's order").hasSizeGreaterThanOrEqualTo(3)
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    private static JsonNode latest(Api api, UUID id) {
        return api.get("/api/v1/targets/" + id + "/checks", ADMIN).json().get(0);
    }

    private static boolean stale(Api api, UUID id) {
        return latest(api, id).get("stale").asBoolean();
    }

    /** executed_at minus received_at of the latest stored result, in seconds. */
    private static long offsetSeconds(TestServer server, UUID id) {
        return SpoolResetEndToEndTest.query(server.database(), "SELECT extract(epoch FROM executed_at - received_at)::bigint"
                + " FROM check_results WHERE target_id = '" + id + "' ORDER BY seq DESC LIMIT 1");
    }

    /** A skewed executed_at on the wire, with the agent's own credential. */
    private static void wireRules(Api api, UUID id, String check, Path credentials) throws Exception {
        String agentToken = new ObjectMapper().readTree(credentials.toFile()).get("agent_token").asText();
        String path = "/api/v1/agents/" + id + "/check-results";
        Instant ahead = Instant.now().plus(SKEW);
        Api.Reply numbered = api.post(path, Map.of("stream_epoch", UUID.randomUUID().toString(), "results", List.of(Map.of("seq", 1,
                "check_id", check, "status", "ok", "output", "wire", "duration_ms", 1, "executed_at", ahead.toString()))), agentToken);
        assertThat(numbered.status()).as("an agent's numbered result is never refused for its time: " + numbered).isEqualTo(200);
        Api.Reply unnumbered = api.post(path, Map.of("results", List.of(Map.of("check_id", check, "status", "ok", "output", "script",
                "duration_ms", 1, "executed_at", ahead.toString()))), agentToken);
        assertThat(unnumbered.status()).as(unnumbered.toString()).isEqualTo(400);
        assertThat(unnumbered.json().get("field").asText()).contains("executed_at");
        Api.Reply within = api.post(path, Map.of("results", List.of(Map.of("check_id", check, "status", "ok", "output", "script",
                "duration_ms", 1, "executed_at", Instant.now().plus(Duration.ofMinutes(4)).toString()))), agentToken);
        assertThat(within.status()).as("within the 5 minutes tolerated: " + within).isEqualTo(200);
    }
}
