package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A small reconnect storm: 30 agents over mutual TLS against an embedded server that is restarted;
 * every agent heartbeats again, the reconnections' handshakes are counted, and the peer (the same storm without TLS) and the ratio are printed.
 */
class StormSmokeTest {
    /** Enough for a storm (all reconnect at once after the restart) and to catch one lost; figures want more (--agents). */
    private static final int AGENTS = 30;

    @Test
    @Timeout(600)
    void everyAgentHeartbeatsAgainAfterTheServerRestartsWithAndWithoutTls() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        StormOptions o = StormOptions.parse(List.of("--agents", String.valueOf(AGENTS), "--embedded", "--heartbeat", "1s",
                "--down", "0s", "--timeout", "60s"));
        List<StormRun.Result> results = new StormCommand(o, out).run();
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(results).as(report).hasSize(2);
        StormRun.Result tls = results.get(0);
        StormRun.Result plain = results.get(1);
        assertThat(tls.tls()).isTrue();
        assertThat(plain.tls()).isFalse();
        assertThat(results).as(report).allSatisfy(r -> {
            assertThat(r.cameBack()).isEqualTo(AGENTS);
            assertThat(r.allBack()).isTrue();
            // No 5xx but 503 on any route through the stop: the polls it holds are answered 304, those that would wait are
            // refused 503 (PolicyShutdownTest), and a request Jetty was still reading gets 503 too (it was a rare 500).
            assertThat(r.stats().statuses(Stats.Endpoint.REGISTER).keySet()).as(report).allMatch(s -> !s.startsWith("5")
                    || s.equals("503"));
            for (Stats.Endpoint e : List.of(Stats.Endpoint.HEARTBEAT, Stats.Endpoint.POLICY_FETCH, Stats.Endpoint.POLICY_WAIT)) {
                assertThat(r.stats().statuses(e).keySet()).as(e + " " + report).allMatch(s -> !s.startsWith("5") || s.equals("503"));
            }
        });
        // Every agent's connections broke with the server; the restarted server still decrypts their session tickets
        // (its key is kept in pki/session-ticket.key), so they resume instead of making full handshakes. Most, not all:
        // on a loaded machine a connection made just before the stop may not have read its ticket yet (TLS 1.3 sends
        // it after the handshake), and one such agent in 30 was seen; without the kept key none resumes.
        assertThat(tls.handshakes().resumedOld()).as(report).isGreaterThanOrEqualTo(AGENTS * 2 / 3);
        assertThat(tls.handshakes().full()).as(report).isLessThan(AGENTS);
        assertThat(report).contains("storm time (every agent heartbeating again after the restart), " + AGENTS + " agents: mutual TLS ")
                .contains(", peer (no TLS) ").contains("ratio TLS/no TLS ").contains("TLS handshakes in the storm: ").contains("answers other than 2xx and 304")
                .contains("connection rate after the restart").contains("CPU from the stop until every agent was back")
                .containsPattern("ratio TLS/no TLS [0-9]+\\.[0-9]{2}");
    }
}
