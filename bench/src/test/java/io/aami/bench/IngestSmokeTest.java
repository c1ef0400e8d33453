package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ingest} and {@code heartbeat} run small (4 agents, no TLS) against one embedded server, which
 * both share to keep {@code mvn verify} short: what they stored is correct, and the output holds aami's
 * figure, the peer's and the ratio. Then planted damage (a duplicated row, a wiped heartbeat) must be
 * caught, so the checks themselves can fail.
 */
class IngestSmokeTest {
    private static final int AGENTS = 4;
    private static BenchAgents bench;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws Exception {
        bench = BenchAgents.start(false, AGENTS, new Stats(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (bench != null) {
            bench.close();
        }
    }

    @Test
    @Timeout(120)
    void ingestStoresEveryResultExactlyOnceAndPrintsBothFiguresAndTheRatio() throws Exception {
        IngestOptions o = IngestOptions.parse(List.of("--embedded", "--no-tls", "--agents", "4", "--results", "600", "--batch", "200",
                "--warmup", "1"));
        IngestCommand.Outcome r = new IngestCommand(o, out).run(bench);
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(r.verdict().ok()).as(report).isTrue();
        assertThat(r.verdict().acknowledged()).as(report).isEqualTo(AGENTS * (600 + 200));
        assertThat(r.verdict().stored()).as(report).isEqualTo(AGENTS * (600 + 200));
        assertThat(r.perSecond()).as(report).isPositive();
        assertThat(r.peerPerSecond()).as(report).isPositive();
        assertThat(report).containsPattern("aami ingest: 2,400 results in [0-9.]+ s = [0-9,]+ results/s")
                .containsPattern("peer \\((psql \\\\copy|pgjdbc CopyManager)\\): 2,400 rows in [0-9.]+ s = [0-9,]+ rows/s")
                .containsPattern("ratio aami/peer: [0-9.]+ \\(goal >= 0.8: (met|NOT met)\\)")
                .contains("exactly-once (database): OK");

        try (Connection c = bench.server.database().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO check_results SELECT * FROM check_results WHERE seq = 700 LIMIT 1");
        }
        ExactlyOnce.Verdict tampered = bench.server.database().verify(r.ledgers());
        assertThat(tampered.ok()).isFalse();
        assertThat(tampered.duplicated()).isEqualTo(1);
    }

    @Test
    @Timeout(120)
    void heartbeatsAreAllAcceptedAndStoredAndTheRunPrintsBothRatesAndTheRatio() throws Exception {
        HeartbeatOptions o = HeartbeatOptions.parse(List.of("--embedded", "--no-tls", "--agents", "4", "--duration", "2s",
                "--warmup", "0s"));
        HeartbeatCommand.Outcome r = new HeartbeatCommand(o, out).run(bench);
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(r.correct()).as(report).isTrue();
        assertThat(r.stored()).as(report).isEqualTo(AGENTS);
        assertThat(r.perSecond()).as(report).isPositive();
        assertThat(r.healthPerSecond()).as(report).isPositive();
        assertThat(report).containsPattern("aami heartbeats: [0-9,]+ accepted = [0-9,]+ heartbeats/s")
                .containsPattern("peer \\(GET /health, same client and connections\\): [0-9,]+ = [0-9,]+ requests/s")
                .containsPattern("ratio aami/peer: [0-9.]+ \\(goal >= 0.8: (met|NOT met)\\)")
                .containsPattern("CPU of this process \\(server and client\\) per request: heartbeat [0-9,]+ us, /health [0-9,]+ us "
                        + "\\(/health over heartbeat: [0-9.]+\\)")
                .containsPattern("CPU per request by thread: heartbeat server [0-9,]+ us, client [0-9,]+ us, JIT [0-9,]+ us; "
                        + "/health server [0-9,]+ us, client [0-9,]+ us, JIT [0-9,]+ us \\(server threads alone, /health over heartbeat: [0-9.]+\\)")
                .contains("correctness: OK");

        try (Connection c = bench.server.database().connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE targets SET last_heartbeat_at = NULL WHERE hostname = 'bench-0000000'");
        }
        assertThat(HeartbeatCommand.stored(bench, Instant.EPOCH)).isEqualTo(AGENTS - 1);
    }
}
