package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.agent.transport.ServerTransports;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real agents with {@code server.addresses} over two real config-servers sharing one PostgreSQL (issue 13, fault
 * scenario 2, with the replica stopped in-process): one agent starts on each replica; when the first replica goes
 * away mid-stream, its agent's heartbeat, policy poll and result sender each move to the other, the other agent
 * never moves, every result of both is stored exactly once, the first replica's background duty (the liveness
 * sweep) is taken over by the second, and when the first comes back nobody moves back (no flapping).
 */
@org.junit.jupiter.api.Tag("reliability-long")
class ServerFailoverEndToEndTest {
    static final List<String> LOOPS = List.of("heartbeat", "policy", "send-checks");

    @TempDir
    Path dir;

    @Test
    void everyLoopMovesToTheLiveReplicaAndStaysThere() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        int portA = freePort();
        int apiPort = freePort();
        Map<String, String> envB = new HashMap<>(ChecksEndToEndTest.SERVER);
        envB.put("AAMI_HEARTBEAT_SWEEP_INTERVAL", "500ms");
        Map<String, String> envA = new HashMap<>(envB);
        envA.put("AAMI_LISTEN", "127.0.0.1:" + portA);
        TestServer a = TestServer.start(envA, db, Clock.systemUTC());
        try (TestServer b = TestServer.start(envB, db, Clock.systemUTC())) {
            Fixtures.createCheck(b.api(), Fixtures.check("tick", "date +%s%N", 1, Map.of("global", true)));
            String addrA = "127.0.0.1:" + portA;
            String addrB = "127.0.0.1:" + b.port();
            Map<String, String> env = TestAgentConfig.env(dir, addrA, Fixtures.bootstrapToken(b.api(), 1, Map.of()));
            env.remove("AAMI_SERVER_ADDRESS");
            env.put("AAMI_SERVER_ADDRESSES", addrA + "," + addrB);
            env.put("AAMI_SERVER_TLS_ENABLED", "false");
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
            AgentConfig cfg = AgentConfigLoader.load(null, TestAgentConfig.quick(env));
            UUID id = idStartingAt(0, 2);
            Files.writeString(cfg.agent().idFile(), id + "\n");
            Path otherDir = Files.createDirectories(dir.resolve("other"));
            int otherApi = freePort();
            Map<String, String> otherEnv = TestAgentConfig.env(otherDir, addrA, Fixtures.bootstrapToken(b.api(), 1, Map.of()));
            otherEnv.remove("AAMI_SERVER_ADDRESS");
            otherEnv.put("AAMI_SERVER_ADDRESSES", addrA + "," + addrB);
            otherEnv.put("AAMI_SERVER_TLS_ENABLED", "false");
            otherEnv.put("AAMI_API_LISTEN", "127.0.0.1:" + otherApi);
            AgentConfig otherCfg = AgentConfigLoader.load(null, TestAgentConfig.quick(otherEnv));
            UUID other = idStartingAt(1, 2);
            Files.writeString(otherCfg.agent().idFile(), other + "\n");
            try (Agent agent = AgentMain.start(cfg, id, Clock.systemUTC());
                 Agent second = AgentMain.start(otherCfg, other, Clock.systemUTC())) {
                eventually(Duration.ofSeconds(20), () -> ChecksEndToEndTest.stored(db, id) >= 2
                        && ChecksEndToEndTest.stored(db, other) >= 2
                        && LOOPS.stream().allMatch(l -> current(apiPort, l, addrA) && current(otherApi, l, addrB)));
                assertThat(value(a, "aami_duty_leader{duty=\"liveness_sweep\"}")).as("the first replica sweeps").isEqualTo(1);

                a.close();
                long before = ChecksEndToEndTest.stored(db, id);
                eventually(Duration.ofSeconds(20), () -> LOOPS.stream().allMatch(l -> current(apiPort, l, addrB))
                        && ChecksEndToEndTest.stored(db, id) >= before + 3);
                String text = scrape(apiPort);
                String untouched = scrape(otherApi);
                for (String loop : LOOPS) {
                    assertThat(text).contains("aami_agent_server_failovers_total{loop=\"" + loop + "\"} 1.0");
                    assertThat(untouched).contains("aami_agent_server_failovers_total{loop=\"" + loop + "\"} 0.0");
                }
                eventually(Duration.ofSeconds(10), () -> value(b, "aami_duty_leader{duty=\"liveness_sweep\"}") == 1
                        && value(b, "aami_duty_runs_total{duty=\"liveness_sweep\"}") > 0);
                long beats = heartbeatsAt(b);
                eventually(Duration.ofSeconds(10), () -> heartbeatsAt(b) > beats);

                // The first replica is back: nothing moves, because the loops' server answers.
                a = TestServer.start(envA, db, Clock.systemUTC());
                Thread.sleep(3_000);
                String after = scrape(apiPort);
                for (String loop : LOOPS) {
                    assertThat(after).contains("aami_agent_server_failovers_total{loop=\"" + loop + "\"} 1.0");
                    assertThat(current(apiPort, loop, addrB)).as(loop + " stays with the second replica").isTrue();
                }
            }
            for (UUID agentId : List.of(id, other)) {
                long[] seqs = ChecksEndToEndTest.seqStats(db, agentId);
                assertThat(seqs[0]).as("rows").isEqualTo(seqs[1]).as("distinct seqs: nothing duplicated");
                assertThat(seqs[2]).as("max seq: nothing lost").isEqualTo(seqs[0]);
                assertThat(seqs[3]).as("gap total").isZero();
            }
        } finally {
            a.close();
        }
    }

    /** An agent id whose agents start with server {@code index} of {@code servers}. */
    static UUID idStartingAt(int index, int servers) {
        while (true) {
            UUID id = UUID.randomUUID();
            if (ServerTransports.startIndex(id, servers) == index) {
                return id;
            }
        }
    }

    static boolean current(int apiPort, String loop, String address) {
        return scrape(apiPort).contains("aami_agent_server_current{address=\"" + address + "\",loop=\"" + loop + "\"} 1.0");
    }

    static double value(TestServer server, String series) {
        return server.api().get("/metrics", null).body().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    /** Heartbeats the second replica accepted, from its own /metrics. */
    static long heartbeatsAt(TestServer server) {
        String text = server.api().get("/metrics", null).body();
        return text.lines().filter(l -> l.startsWith("aami_heartbeats_total ")).mapToLong(l -> (long) Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String scrape(int port) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        try {
            return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
