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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100 simulated agents over mutual TLS for about 10 s against a real embedded server: every
 * result acknowledged is in the database exactly once, and the server answered no request with a
 * 5xx. Then a duplicated row planted in the database must be caught, so the check itself can fail.
 */
class FleetSmokeTest {
    private static final int AGENTS = 100;

    @Test
    @Timeout(240)
    void aHundredAgentsOverMutualTlsStoreEveryAcknowledgedResultExactlyOnce() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (EmbeddedTarget server = EmbeddedTarget.start(true, Duration.ofSeconds(5))) {
            FleetOptions o = FleetOptions.parse(List.of("--agents", String.valueOf(AGENTS), "--duration", "10s", "--embedded",
                    "--tls", "--heartbeat", "5s", "--results-per-minute", "30", "--policy-wait", "10s"));
            FleetCommand.Outcome r = new FleetCommand(o, out).run(new FleetCommand.Target(server.base(), server.adminToken(),
                    server.caFile(), server.database()));
            String report = printed.toString(StandardCharsets.UTF_8);

            assertThat(r.verdict().agents()).as(report).isEqualTo(AGENTS);
            assertThat(r.verdict().ok()).as(report).isTrue();
            // 100 agents × ~10 s × 0.5/s: hundreds acknowledged, not a vacuous pass.
            assertThat(r.verdict().acknowledged()).as(report).isGreaterThan(AGENTS * 2L);
            assertThat(r.stats().serverErrors()).as(report).isZero();
            assertThat(r.stats().statuses(Endpoint.REGISTER)).as(report).containsOnlyKeys("201");
            assertThat(r.stats().total(Endpoint.HEARTBEAT).count()).as(report).isGreaterThanOrEqualTo(AGENTS);
            assertThat(r.stats().statuses(Endpoint.HEARTBEAT).keySet()).as(report).allMatch(s -> s.startsWith("2"));
            assertThat(r.stats().statuses(Endpoint.CHECK_RESULTS).keySet()).as(report).allMatch(s -> s.startsWith("2"));
            assertThat(report).contains("exactly-once (database): OK").contains("check-results");

            try (Connection c = server.database().connect(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO check_results SELECT * FROM check_results WHERE seq = 1 LIMIT 1");
            }
            ExactlyOnce.Verdict tampered = server.database().verify(r.ledgers());
            assertThat(tampered.ok()).isFalse();
            assertThat(tampered.duplicated()).isEqualTo(1);
        }
    }
}
