package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.bench.Stats.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14's smoke run: 200 simulated agents over mutual TLS for 20 s against a real embedded server, heartbeating
 * every 5 s with 20 results a minute each (32-59 s for the method, 10-35 s of it enrolling, on the 2-core machine
 * at a load of 8-18; with 2 s heartbeats and 60 results a minute the fleet's own traffic slowed enrollment to 22-62 s):
 * every result acknowledged is in the database exactly once, the server answered no request with a 5xx but a shed
 * enrollment, and the report ends with the fleet held against the goal. Then a duplicated row planted in the database
 * must be caught, so the check itself can fail.
 * On the same server and database, a small fleet spread over two simulator processes and two
 * server replicas ({@code --processes 2 --replicas 2}).
 */
class FleetSmokeTest {
    private static final int AGENTS = 200;
    private static EmbeddedTarget server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedTarget.start(true, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(240)
    void twoHundredAgentsOverMutualTlsStoreEveryAcknowledgedResultExactlyOnce() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        FleetOptions o = FleetOptions.parse(List.of("--agents", String.valueOf(AGENTS), "--duration", "20s", "--embedded",
                "--tls", "--heartbeat", "5s", "--results-per-minute", "20", "--policy-wait", "10s"));
        FleetCommand.Outcome r = new FleetCommand(o, out).run(new FleetCommand.Target(server.base(), server.adminToken(),
                server.caFile(), server.database()));
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(r.verdict().agents()).as(report).isEqualTo(AGENTS);
        assertThat(r.verdict().ok()).as(report).isTrue();
        // 200 agents × 20 s × 20/min: about 1,300 acknowledged (1,742 with enrollment's 10 s), not a vacuous pass.
        assertThat(r.verdict().acknowledged()).as(report).isGreaterThan(AGENTS * 4L);
        // Every agent enrolled once; a loaded server may shed an enrollment with 503 and Retry-After (retried, as in the
        // spread test below: "503=1" at a load of 31), and answers nothing else with a 5xx.
        Map<String, Long> registered = r.stats().statuses(Endpoint.REGISTER);
        assertThat(registered.getOrDefault("201", 0L) + registered.getOrDefault("200", 0L)).as(report).isEqualTo(AGENTS);
        assertThat(r.stats().serverErrors()).as(report).isEqualTo(registered.getOrDefault("503", 0L));
        assertThat(r.stats().total(Endpoint.HEARTBEAT).count()).as(report).isGreaterThanOrEqualTo(AGENTS);
        // Every answer a success. On a starved machine a few requests get none within the simulator's timeout (6 of
        // 1,220 heartbeats past 10 s at a load of 18): a heartbeat is sent again on its interval, a batch with its seq
        // (which the exactly-once check covers); more than 5 % would be a server that stopped answering.
        for (Endpoint e : List.of(Endpoint.HEARTBEAT, Endpoint.CHECK_RESULTS)) {
            Map<String, Long> answered = r.stats().statuses(e);
            assertThat(answered.keySet()).as(report).allMatch(st -> st.startsWith("2") || st.equals("io"));
            assertThat(answered.getOrDefault("io", 0L)).as(report).isLessThanOrEqualTo(r.stats().total(e).count() / 20);
        }
        assertThat(report).contains("exactly-once (database): OK").contains("check-results");
        // The figure and its ratio to the goal in the same run: each endpoint's p99 against the 100 ms limit, the fleet
        // held (all of it when heartbeats and results held, else 0) and issue 14's goal line.
        double hb = r.stats().total(Endpoint.HEARTBEAT).p99Ms();
        double rs = r.stats().total(Endpoint.CHECK_RESULTS).p99Ms();
        assertThat(r.held()).as(report).isEqualTo(Math.max(hb, rs) <= Knee.P99_LIMIT_MS ? AGENTS : 0);
        assertThat(report).containsPattern("\\n  heartbeat +[0-9.]+ ms = +[0-9.]+x the limit: (within|over)\\n")
                .containsPattern("\\n  check-results +[0-9.]+ ms = +[0-9.]+x the limit: (within|over)\\n")
                .containsPattern("\\n  register +[0-9.]+ ms = +[0-9.]+x the limit: (within|over) \\(shown, not judged\\)\\n")
                .contains(String.format("fleet held: %d agents (%s", r.held(), r.held() > 0 ? "the whole fleet" : "not held"))
                .endsWith(String.format("goal (issue 14: >= 50,000 agents held at p99 <= 100 ms, nothing lost; stretch 100,000):"
                        + " NOT met (%d = 0.00x)%n", r.held()));

        try (Connection c = server.database().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO check_results SELECT * FROM check_results WHERE seq = 1 LIMIT 1");
        }
        ExactlyOnce.Verdict tampered = server.database().verify(r.ledgers());
        assertThat(tampered.ok()).isFalse();
        assertThat(tampered.duplicated()).isEqualTo(1);
    }

    /**
     * Two simulator child JVMs (from 127.0.0.2 and .3) against two replicas (this JVM's server and a
     * child config-server on the same database): every agent of both children is in the union the
     * exactly-once check reads, and their answers reach the parent's report. Run as a {@code --ramp} of 8 s with
     * enrollment (half of what is left unmeasured, one short minute, no second wave): the ramp's minute line, its knee
     * and the knee as the fleet held.
     */
    @Test
    @Timeout(240)
    void aFleetSpreadOverTwoSimulatorProcessesAndTwoReplicasStoresEveryResultExactlyOnce() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int agents = 20;
        try (Replicas replicas = Replicas.start(server, 2, true)) {
            FleetOptions o = FleetOptions.parse(List.of("--agents", String.valueOf(agents), "--duration", "8s", "--ramp", "20",
                    "--embedded", "--heartbeat", "1s", "--results-per-minute", "120", "--policy-wait", "5s", "--processes", "2", "--replicas", "2"));
            FleetCommand.Outcome r = new FleetCommand(o, out).run(new FleetCommand.Target(server.base(), server.adminToken(),
                    server.caFile(), server.database(), replicas.bases()));
            String report = printed.toString(StandardCharsets.UTF_8);

            assertThat(replicas.bases()).hasSize(2).doesNotHaveDuplicates();
            assertThat(report).contains("2 simulator processes (from 127.0.0.2 to 127.0.0.3)");
            assertThat(r.verdict().agents()).as(report).isEqualTo(agents);
            assertThat(r.ledgers()).as(report).extracting(SimAgent.Ledger::targetId).doesNotHaveDuplicates();
            assertThat(r.verdict().ok()).as(report).isTrue();
            assertThat(r.verdict().acknowledged()).as(report).isGreaterThan(agents);
            // The children's answers, absorbed into this run's figures.
            // Every agent enrolled once: 201, or 200 when its retry found a first attempt stored whose answer was lost (a
            // loaded machine let the 30 s client timeout pass once: "201=19 200=1 io=1").
            Map<String, Long> registered = r.stats().statuses(Endpoint.REGISTER);
            assertThat(registered.getOrDefault("201", 0L) + registered.getOrDefault("200", 0L)).as(report).isEqualTo(agents);
            assertThat(r.stats().total(Endpoint.HEARTBEAT).count()).as(report).isGreaterThanOrEqualTo(agents);
            // A loaded server sheds enrollments with 503 and Retry-After (retried); nothing worse.
            for (Endpoint e : Endpoint.values()) {
                assertThat(r.stats().statuses(e).keySet()).as(report).allMatch(st -> !st.startsWith("5") || st.equals("503"));
            }
            assertThat(report).contains("exactly-once (database): OK").contains("memory per agent: ");
            assertThat(r.lossDuringRamp()).as(report).isFalse();
            assertThat(report).containsPattern("\\n20 +[0-9.]+ +[0-9.]+ +[0-9]+ +0\\n")
                    .contains(r.held() == agents ? "knee: not reached; 20 agents held for the whole --duration"
                            : "knee: 0 agents (")
                    .contains(String.format("fleet held: %d agents (the knee of --ramp", r.held()));
            assertThat(r.held()).as(report).isIn(0, agents);
        }
    }
}
