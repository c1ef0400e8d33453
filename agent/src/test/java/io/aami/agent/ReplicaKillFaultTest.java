package io.aami.agent;

import static io.aami.server.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.FaultFigures;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault scenario 2 (README "Reliability"), for real: two config-server replicas as child JVMs on one PostgreSQL, four
 * real agents (child JVMs) spread over both by {@code server.addresses}, each fed results through its local API as
 * fast as a local program may; the replica that leads the background duties is killed with SIGKILL while batches are
 * in flight. Its agents' heartbeat, policy poll and sender move to the other replica, the other agents never move,
 * every result an agent answered 202 for is stored exactly once, and its duties (the liveness sweep and partition
 * maintenance) are led and run by the survivor within one period. The in-process variant, with a graceful stop, is
 * {@link ServerFailoverEndToEndTest}; the duties' lock handover alone is {@code DutiesAcrossReplicasTest}.
 */
@Tag("reliability-long")
class ReplicaKillFaultTest {
    private static final int AGENTS = 4;
    /** Both duties' period here: taken over within one period means within this (plus the time to notice). */
    private static final Duration PERIOD = Duration.ofSeconds(1);
    private static final List<String> DUTIES = List.of("liveness_sweep", "partition_maintenance");

    @TempDir
    Path dir;

    @Test
    void killingAReplicaMidBatchMovesItsAgentsAndDutiesAndLosesNothing() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.fresh();
        int portA = ServerFailoverEndToEndTest.freePort();
        int portB = ServerFailoverEndToEndTest.freePort();
        Map<String, String> envA = TestServer.environment(Map.of("AAMI_LISTEN", "127.0.0.1:" + portA,
                "AAMI_HEARTBEAT_INTERVAL", "1s", "AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms",
                "AAMI_HEARTBEAT_SWEEP_INTERVAL", PERIOD.toMillis() + "ms",
                "AAMI_RESULTS_MAINTENANCE_INTERVAL", PERIOD.toMillis() + "ms"), db);
        List<Process> agents = new ArrayList<>();
        List<Thread> posters = new ArrayList<>();
        AtomicBoolean posting = new AtomicBoolean(true);
        try (ServerChild a = ServerChild.start(envA, portA, dir.resolve("replica-a.log"))) {
            Map<String, String> envB = new HashMap<>(envA);
            envB.put("AAMI_LISTEN", "127.0.0.1:" + portB);
            envB.put("AAMI_DATA_DIR", ServerChild.sharingPki(Path.of(envA.get("AAMI_DATA_DIR")), dir.resolve("b-data")).toString());
            try (ServerChild b = ServerChild.start(envB, portB, dir.resolve("replica-b.log"))) {
                Api apiA = new Api("http://127.0.0.1:" + portA);
                Api apiB = new Api("http://127.0.0.1:" + portB);
                // Hourly, so the agents' own runs hardly add anything: the results counted are the posted ones.
                Fixtures.createCheck(apiA, Fixtures.check("posted", "echo scheduled", 3600, Map.of("global", true)));
                String addrA = "127.0.0.1:" + portA;
                String addrB = "127.0.0.1:" + portB;
                int[] apiPorts = new int[AGENTS];
                UUID[] ids = new UUID[AGENTS];
                List<Set<String>> accepted = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) {
                    apiPorts[i] = ServerFailoverEndToEndTest.freePort();
                    ids[i] = ServerFailoverEndToEndTest.idStartingAt(i % 2, 2); // even agents start on A, odd on B
                    agents.add(startAgent(i, addrA, addrB, apiPorts[i], ids[i], Fixtures.bootstrapToken(apiA, 1, Map.of())));
                    Set<String> mine = ConcurrentHashMap.newKeySet();
                    accepted.add(mine);
                    int n = i;
                    Thread poster = new Thread(() -> post(apiPorts[n], "r" + n + "-", posting, mine), "poster-" + i);
                    poster.start();
                    posters.add(poster);
                }
                eventually(Duration.ofSeconds(90), "every agent delivering to its first replica; A leading both duties", () -> {
                    for (int i = 0; i < AGENTS; i++) {
                        int n = i;
                        String home = i % 2 == 0 ? addrA : addrB;
                        if (storedOf(db, "r" + i + "-%").isEmpty() || !ServerFailoverEndToEndTest.LOOPS.stream()
                                .allMatch(l -> ServerFailoverEndToEndTest.current(apiPorts[n], l, home))) {
                            return false;
                        }
                    }
                    return DUTIES.stream().allMatch(d -> duty(apiA, "aami_duty_leader", d) == 1 && duty(apiA, "aami_duty_runs_total", d) > 0);
                }, () -> status(db, apiA, apiB, apiPorts) + "\n" + a.tail() + "\n---\n" + b.tail() + "\n---\n" + agentLog(0));
                assertThat(DUTIES).allSatisfy(d -> assertThat(duty(apiB, "aami_duty_leader", d)).as(d + " led by A only").isZero());
                Thread.sleep(300); // batches in flight on every agent's sender

                a.kill(); // SIGKILL mid-batch: no graceful stop, its sockets and database sessions just end
                long killed = System.nanoTime();
                int[] acceptedAtKill = accepted.stream().mapToInt(Set::size).toArray();
                eventually(Duration.ofSeconds(30), "B leads and runs both duties", () -> DUTIES.stream()
                        .allMatch(d -> duty(apiB, "aami_duty_leader", d) == 1 && duty(apiB, "aami_duty_runs_total", d) > 0), b::tail);
                Duration dutiesMoved = Duration.ofNanos(System.nanoTime() - killed);
                eventually(Duration.ofSeconds(60), "A's agents on B, storing results accepted after the kill", () -> {
                    for (int i = 0; i < AGENTS; i++) {
                        int n = i;
                        if (!ServerFailoverEndToEndTest.LOOPS.stream().allMatch(l -> ServerFailoverEndToEndTest.current(apiPorts[n], l, addrB))
                                || storedOf(db, "r" + i + "-%").size() <= acceptedAtKill[i]) {
                            return false;
                        }
                    }
                    return true;
                }, b::tail);
                Duration recovered = Duration.ofNanos(System.nanoTime() - killed);
                posting.set(false);
                for (Thread t : posters) {
                    t.join(10_000);
                }
                eventually(Duration.ofSeconds(60), "every accepted result stored", () -> {
                    Map<String, Long> stored = storedOf(db, "r%");
                    return accepted.stream().allMatch(s -> stored.keySet().containsAll(s));
                }, b::tail);

                for (int i = 0; i < AGENTS; i++) {
                    String text = ServerFailoverEndToEndTest.scrape(apiPorts[i]);
                    for (String loop : ServerFailoverEndToEndTest.LOOPS) {
                        assertThat(text).as("agent " + i + " " + loop).contains("aami_agent_server_failovers_total{loop=\"" + loop
                                + "\"} " + (i % 2 == 0 ? "1.0" : "0.0"));
                    }
                }
                Map<String, Long> stored = storedOf(db, "r%");
                long produced = accepted.stream().mapToLong(Set::size).sum();
                long duplicated = stored.values().stream().mapToLong(n -> n - 1).sum();
                long lost = accepted.stream().flatMap(Set::stream).filter(r -> !stored.containsKey(r)).count();
                System.out.printf("RELIABILITY scenario=2-replica-kill duties_moved_ms=%d (period %d ms)%n", dutiesMoved.toMillis(),
                        PERIOD.toMillis());
                new FaultFigures("2-replica-kill", produced, accepted.stream().flatMap(Set::stream).filter(stored::containsKey).count(),
                        duplicated, lost, 0, recovered).report();
                // One period, plus the time a loaded build takes to see the connection end and tick: a bound, not a figure.
                assertThat(dutiesMoved).as("duties taken over").isLessThan(PERIOD.plusSeconds(10));
            }
        } finally {
            posting.set(false);
            for (Process p : agents) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private Process startAgent(int i, String addrA, String addrB, int apiPort, UUID id, String token) throws Exception {
        // As TestAgentConfig.env does for its dir: scripts run as nobody, who must pass the temp dir on the way.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectories(dir.resolve("agent-" + i));
        Map<String, String> env = TestAgentConfig.quick(TestAgentConfig.env(home, addrA, token));
        env.remove("AAMI_SERVER_ADDRESS");
        env.put("AAMI_SERVER_ADDRESSES", addrA + "," + addrB);
        env.put("AAMI_SERVER_TLS_ENABLED", "false");
        env.put("AAMI_API_LISTEN", "127.0.0.1:" + apiPort);
        Files.writeString(home.resolve("agent-id"), id + "\n");
        return AgentChild.start(env, home.resolve("agent.log"));
    }

    /** What the test waits for, as it is now: each agent's stored results and loops, each replica's duties. */
    private static String status(TestDatabase.Coordinates db, Api apiA, Api apiB, int[] apiPorts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < apiPorts.length; i++) {
            String text = ServerFailoverEndToEndTest.scrape(apiPorts[i]);
            sb.append("agent ").append(i).append(": stored ").append(storedOf(db, "r" + i + "-%").size()).append(", ")
                    .append(text.lines().filter(l -> l.startsWith("aami_agent_server_current")).toList()).append('\n');
        }
        for (String d : DUTIES) {
            sb.append(d).append(": A leader ").append(duty(apiA, "aami_duty_leader", d)).append(" runs ")
                    .append(duty(apiA, "aami_duty_runs_total", d)).append(", B leader ").append(duty(apiB, "aami_duty_leader", d))
                    .append('\n');
        }
        return sb.toString();
    }

    private String agentLog(int i) {
        try {
            String s = Files.readString(dir.resolve("agent-" + i).resolve("agent.log"));
            return s.substring(Math.max(0, s.length() - 3000));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** A duty's series on a replica's /metrics; -1 when absent or the replica does not answer. */
    private static double duty(Api api, String metric, String duty) {
        try {
            return api.get("/metrics", null).body().lines().filter(l -> l.startsWith(metric + "{duty=\"" + duty + "\"} "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Posts batches of 5 results with unique outputs ({@code prefix}N) as a local program would, a little under the local
     * API's rate limit; only those answered 202 are known spooled.
     */
    private static void post(int port, String prefix, AtomicBoolean posting, Set<String> accepted) {
        int next = 0;
        while (posting.get()) {
            List<String> outputs = LocalPosts.outputs(prefix, next, 5);
            try {
                if (LocalPosts.post(port, outputs) == 202) {
                    accepted.addAll(outputs);
                    next += 5;
                }
                Thread.sleep(40);
            } catch (java.io.IOException e) {
                sleep(200); // the agent is still starting
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many times each output matching {@code like} is stored. */
    static Map<String, Long> storedOf(TestDatabase.Coordinates db, String like) {
        return AgentKillFaultTest.stored(db, like);
    }
}
