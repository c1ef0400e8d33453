package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.identity.AgentIdFile;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy → agent → script → spool → server → state, with the real agent and server in this JVM. */
class ChecksEndToEndTest {
    static final Map<String, String> SERVER = Map.of("AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms");

    @TempDir
    Path dir;

    AgentConfig config(int port, String token) {
        return TestAgentConfig.plainAndQuick(dir, port, token);
    }

    static String token(Api api, String group) {
        return Fixtures.bootstrapToken(api, 5, group == null ? Map.of() : Map.of("group_id", group));
    }


    static JsonNode state(Api api, UUID agent, String check) {
        for (JsonNode s : api.get("/api/v1/targets/" + agent + "/checks", ADMIN).json()) {
            if (s.get("name").asText().equals(check)) {
                return s;
            }
        }
        throw new IllegalStateException("no check " + check);
    }

    @Test
    void checksRunTheirResultsArriveAndAChangeAppliesWithoutRestart() throws Exception {
        try (TestServer server = TestServer.start(SERVER)) {
            Api api = server.api();
            String group = Fixtures.group(api, "e2e");
            String checkId = Fixtures.createCheck(api, Fixtures.check("probe-file", "echo \"uid=$(id -u) $1\"; exit 1", 1,
                    Map.of("group_id", group, "args", java.util.List.of("first"))));
            AgentConfig cfg = config(server.port(), token(api, group));
            try (Agent agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC())) {
                UUID id = agent.agentId();
                eventually(Duration.ofSeconds(20), () -> "warning".equals(state(api, id, "probe-file").path("status").asText()));
                JsonNode warning = state(api, id, "probe-file");
                assertThat(warning.get("output").asText()).startsWith("uid=").contains("first").doesNotContain("uid=0 ");
                assertThat(warning.get("exit_code").asInt()).isEqualTo(1);

                Map<String, Object> critical = new HashMap<>(Fixtures.check("probe-file", "echo changed; exit 2", 1,
                        Map.of("group_id", group)));
                assertThat(api.put("/api/v1/checks/" + checkId, critical, ADMIN).status()).isEqualTo(200);
                eventually(Duration.ofSeconds(10), () -> "critical".equals(state(api, id, "probe-file").path("status").asText()));
                assertThat(state(api, id, "probe-file").get("output").asText()).isEqualTo("changed\n");

                // The rollout is visible per agent: the heartbeat reports the version it runs.
                eventually(Duration.ofSeconds(10), () -> api.get("/api/v1/targets/" + id, ADMIN).json().path("policy_version").asLong()
                        == policyVersion(server, id));
                assertThat(policyVersion(server, id)).isPositive();
            }
        }
    }

    @Test
    void resultsProducedWhileTheServerIsDownAreDeliveredOnceAfterItReturns() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestDatabase.Coordinates db = TestDatabase.fresh();
        Map<String, String> env = new HashMap<>(SERVER);
        env.put("AAMI_LISTEN", "127.0.0.1:" + port);
        AgentConfig cfg;
        Agent agent;
        try (TestServer server = TestServer.start(env, db, Clock.systemUTC())) {
            Fixtures.createCheck(server.api(), Fixtures.check("tick", "date +%s%N", 1, Map.of("global", true)));
            cfg = config(port, token(server.api(), null));
            agent = AgentMain.start(cfg, AgentIdFile.readOrCreate(cfg.agent().idFile()), Clock.systemUTC());
            eventually(Duration.ofSeconds(20), () -> stored(db, agent.agentId()) >= 2);
        }
        long beforeOutage = stored(db, agent.agentId());
        Thread.sleep(4_000);
        try (TestServer server = TestServer.start(env, db, Clock.systemUTC())) {
            eventually(Duration.ofSeconds(30), () -> stored(db, agent.agentId()) >= beforeOutage + 4);
            agent.close();
            Thread.sleep(500);
            long[] seqs = seqStats(db, agent.agentId());
            assertThat(seqs[0]).as("rows").isEqualTo(seqs[1]).as("distinct seqs");
            assertThat(seqs[2]).as("max seq").isEqualTo(seqs[0]);
            assertThat(seqs[3]).as("gap total").isZero();
        } finally {
            agent.close();
        }
    }

    static long policyVersion(TestServer server, UUID id) {
        try (Connection c = connect(server.database());
             ResultSet rs = c.createStatement().executeQuery("SELECT version FROM target_policies WHERE target_id = '" + id + "'")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long stored(TestDatabase.Coordinates db, UUID agent) {
        return seqStats(db, agent)[0];
    }

    /** rows, distinct seqs, max seq, gap total. */
    static long[] seqStats(TestDatabase.Coordinates db, UUID agent) {
        try (Connection c = connect(db);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0), "
                     + "(SELECT coalesce(sum(gap_total), 0) FROM result_cursors WHERE target_id = '" + agent + "') "
                     + "FROM check_results WHERE target_id = '" + agent + "'")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection connect(TestDatabase.Coordinates db) throws java.sql.SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }
}
