package io.aami.agent;

import static io.aami.agent.ServerFailoverEndToEndTest.LOOPS;
import static io.aami.agent.ServerFailoverEndToEndTest.current;
import static io.aami.agent.ServerFailoverEndToEndTest.freePort;
import static io.aami.agent.ServerFailoverEndToEndTest.heartbeatsAt;
import static io.aami.agent.ServerFailoverEndToEndTest.scrape;
import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.config.AgentConfig;
import io.aami.agent.config.AgentConfigLoader;
import io.aami.common.pki.Pem;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover over mutual TLS (issue 13): two real config-servers with one CA (the second started on a copy of the
 * first's {@code pki/}, as the README's replicas table says) sharing one PostgreSQL, and between them on the
 * agent's list a third real server with a CA of its own. The agent enrolls by the pin with a client certificate
 * at the first; when the first stops, each loop (heartbeat, policy long poll, result sender) tries the second
 * address, refuses its certificate there (counted, nothing sent to it), and settles on the replica over mutual TLS:
 * a policy change made through it arrives, heartbeats and results are stored, nothing lost or stored twice, and
 * no loop moves again while the first is down.
 */
@Tag("reliability-long")
class MutualTlsFailoverTest {
    @TempDir
    Path dir;

    @Test
    void theAgentMovesToTheReplicaOverMutualTlsAndRefusesAServerOfAnotherCa() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        Map<String, String> tls = Map.of("AAMI_TLS", "on", "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms");
        Map<String, String> envA = new HashMap<>(tls);
        TestServer a = TestServer.start(envA, db, Clock.systemUTC());
        Path dataB = Files.createDirectories(dir.resolve("replica-b"));
        copyTree(a.dataDir().resolve("pki"), dataB.resolve("pki")); // one CA and one policy key for both replicas
        Map<String, String> envB = new HashMap<>(tls);
        envB.put("AAMI_DATA_DIR", dataB.toString());
        try (TestServer b = TestServer.start(envB, db, Clock.systemUTC());
             TestServer other = TestServer.start(tls)) { // a CA of its own, and a database of its own
            assertThat(Files.readString(b.caCertificate())).isEqualTo(Files.readString(a.caCertificate()));
            assertThat(Files.readString(other.caCertificate())).isNotEqualTo(Files.readString(a.caCertificate()));
            Fixtures.createCheck(b.api(), Fixtures.check("tick", "date +%s%N", 1, Map.of("global", true)));
            String addrA = "localhost:" + a.port();
            String addrOther = "localhost:" + other.port();
            String addrB = "localhost:" + b.port();
            int apiPort = freePort();
            Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(dir, addrA, Fixtures.bootstrapToken(b.api(), 1, Map.of())));
            env.remove("AAMI_SERVER_ADDRESS");
            env.put("AAMI_SERVER_ADDRESSES", String.join(",", addrA, addrOther, addrB));
            env.put("AAMI_SERVER_TLS_CA_CERT_SHA256", "sha256:" + Pem.sha256Hex(Pem.readCertificate(a.caCertificate())));
            env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
            env.put("AAMI_HEARTBEAT_TIMEOUT", "3s");
            AgentConfig cfg = AgentConfigLoader.load(null, env);
            UUID id = ServerFailoverEndToEndTest.idStartingAt(0, 3);
            Files.writeString(cfg.agent().idFile(), id + "\n");
            try (Agent agent = AgentMain.start(cfg, id, Clock.systemUTC())) {
                eventually(Duration.ofSeconds(60), "enrolled at the first replica and storing results",
                        () -> ChecksEndToEndTest.stored(db, id) >= 2 && LOOPS.stream().allMatch(l -> current(apiPort, l, addrA)));
                assertThat(Files.exists(dir.resolve("state/agent.crt"))).as("enrolled with a client certificate").isTrue();

                a.close();
                long stopped = System.nanoTime();
                long before = ChecksEndToEndTest.stored(db, id);
                eventually(Duration.ofSeconds(60), "every loop on the replica, results stored there",
                        () -> LOOPS.stream().allMatch(l -> current(apiPort, l, addrB)) && ChecksEndToEndTest.stored(db, id) >= before + 2);
                Duration recovery = Duration.ofNanos(System.nanoTime() - stopped);
                long beats = heartbeatsAt(b);
                eventually(Duration.ofSeconds(10), "heartbeats at the replica", () -> heartbeatsAt(b) > beats);
                Fixtures.createCheck(b.api(), Fixtures.check("after-failover", "echo moved", 1, Map.of("global", true)));
                eventually(Duration.ofSeconds(30), "a policy change through the replica reaches the agent",
                        () -> storedOf(db, id, "moved") > 0);

                String text = scrape(apiPort);
                assertThat(text).as("the server of another CA refused, and counted")
                        .containsPattern("aami_agent_server_untrusted_total\\{address=\"" + addrOther + "\"} [1-9]")
                        .contains("aami_agent_server_untrusted_total{address=\"" + addrB + "\"} 0.0");
                assertThat(agentRequests(other)).as("nothing was sent to the server of another CA").isZero();
                Thread.sleep(3_000); // the first is still down: nobody moves again
                String later = scrape(apiPort);
                for (String loop : LOOPS) {
                    assertThat(later).as(loop + ": first → other CA → replica, and no more")
                            .contains("aami_agent_server_failovers_total{loop=\"" + loop + "\"} 2.0");
                    assertThat(current(apiPort, loop, addrB)).isTrue();
                }
                long[] seqs = ChecksEndToEndTest.seqStats(db, id);
                new FaultFigures("2-mtls-failover", seqs[2], seqs[1], seqs[0] - seqs[1], seqs[2] - seqs[1], 0, recovery).report();
                assertThat(seqs[3]).as("gap total").isZero();
            }
        } finally {
            a.close();
        }
    }

    /** Requests the server answered on the agents' routes ({@code /api/v1/agents/...}), from its own /metrics. */
    private static long agentRequests(TestServer server) {
        return server.api().get("/metrics", null).body().lines()
                .filter(l -> l.startsWith("aami_http_request_duration_seconds_count") && l.contains("/agents/"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static long storedOf(TestDatabase.Coordinates db, UUID agent, String output) {
        try (var c = ChecksEndToEndTest.connect(db);
             var ps = c.prepareStatement("SELECT count(*) FROM check_results WHERE target_id = ? AND output LIKE ?")) {
            ps.setObject(1, agent);
            ps.setString(2, output + "%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
