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
 * A real agent with {@code server.addresses} over two real config-servers sharing one PostgreSQL: when the
 * replica it uses goes away, heartbeat, policy poll and result sender each move to the other, results are stored
 * exactly once, and when the first comes back they stay where they are (no flapping).
 */
@org.junit.jupiter.api.Tag("reliability")
class ServerFailoverEndToEndTest {
    static final List<String> LOOPS = List.of("heartbeat", "policy", "send-checks");

    @TempDir
    Path dir;

    @Test
    void everyLoopMovesToTheLiveReplicaAndStaysThere() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        int portA = freePort();
        int apiPort = freePort();
        Map<String, String> envA = new HashMap<>(ChecksEndToEndTest.SERVER);
        envA.put("AAMI_LISTEN", "127.0.0.1:" + portA);
        TestServer a = TestServer.start(envA, db, Clock.systemUTC());
        try (TestServer b = TestServer.start(ChecksEndToEndTest.SERVER, db, Clock.systemUTC())) {
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
            try (Agent agent = AgentMain.start(cfg, id, Clock.systemUTC())) {
                eventually(Duration.ofSeconds(20), () -> ChecksEndToEndTest.stored(db, id) >= 2
                        && LOOPS.stream().allMatch(l -> current(apiPort, l, addrA)));

                a.close();
                long before = ChecksEndToEndTest.stored(db, id);
                eventually(Duration.ofSeconds(20), () -> LOOPS.stream().allMatch(l -> current(apiPort, l, addrB))
                        && ChecksEndToEndTest.stored(db, id) >= before + 3);
                String text = scrape(apiPort);
                for (String loop : LOOPS) {
                    assertThat(text).contains("aami_agent_server_failovers_total{loop=\"" + loop + "\"} 1.0");
                }
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
            long[] seqs = ChecksEndToEndTest.seqStats(db, id);
            assertThat(seqs[0]).as("rows").isEqualTo(seqs[1]).as("distinct seqs");
            assertThat(seqs[2]).as("max seq: nothing lost").isEqualTo(seqs[0]);
            assertThat(seqs[3]).as("gap total").isZero();
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
