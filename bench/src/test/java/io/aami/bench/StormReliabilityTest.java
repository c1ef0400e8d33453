package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault scenario 8 (README "Reliability"), the long part: a server restart under a fleet of simulated agents over
 * mutual TLS in two simulator children; every agent heartbeats again, sessions from before the restart resume, and
 * the figures (time, handshakes, the connection-rate curve, server and simulator CPU) are printed, and every agent is
 * back within issue 13's 60 s of the server listening again. 1,000 agents by default; {@code -Daami.storm.agents=10000}
 * is issue 13's size (README "Reliability" has the command; on a 2-core machine that also runs the simulator it misses
 * the 60 s, as the README's table says). The wait itself is 600 s, so a miss still reports how long it took.
 */
@Tag("reliability-long")
class StormReliabilityTest {
    /** Issue 13, scenario 8: every agent back within 60 s of the restart. */
    private static final double BACK_WITHIN_SECONDS = 60;

    @Test
    @Timeout(3600)
    void everyAgentComesBackAfterARestartResumingItsSession() throws Exception {
        int agents = Integer.getInteger("aami.storm.agents", 1000);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        StormOptions o = StormOptions.parse(List.of("--agents", Integer.toString(agents), "--embedded", "--processes", "2",
                "--down", "2s", "--timeout", "600s"));
        List<StormRun.Result> results = new StormCommand(o, out).run();
        StormRun.Result tls = results.get(0);
        out.printf(Locale.ROOT, "RELIABILITY scenario=8-reconnect-storm agents=%d back=%d back_s=%.1f peer_back_s=%.1f full=%d resumed=%d"
                        + " resumed_from_before=%d failed=%d peak_per_s=%d%n", agents, tls.cameBack(), tls.backSeconds(),
                results.get(1).backSeconds(), tls.handshakes().full(), tls.handshakes().resumed(), tls.handshakes().resumedOld(),
                tls.handshakes().failed(), tls.curve().peak());
        assertThat(results).allSatisfy(r -> assertThat(r.cameBack()).as("agents back").isEqualTo(agents));
        assertThat(tls.backSeconds()).as("seconds until every agent heartbeated again (mutual TLS)").isLessThan(BACK_WITHIN_SECONDS);
        // Every agent had a session before the restart; at least half resume it (a handshake timed out on overloaded
        // cores drops the client's session, so not all).
        assertThat(tls.handshakes().resumedOld()).as("sessions from before the restart resumed").isGreaterThanOrEqualTo(agents / 2);
    }
}
