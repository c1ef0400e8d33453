package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code policy} small: 50 long-polling agents and a peer round of 10 (after an unmeasured warm-up round of 10)
 * against a real embedded server; every agent of every round must hold the new version, and the report must carry both rounds'
 * figures and the ratio. Never asserts speed.
 */
class PolicyBenchSmokeTest {
    @Test
    @Timeout(120)
    void fiftyAgentsAndAPeerOfTenEachReceiveTheGlobalChange() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int code = BenchMain.run(new String[] {"policy", "--agents", "50", "--peer", "10", "--warmup", "10", "--timeout", "30s"}, out, out);
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(code).as(report).isZero();
        assertThat(report).contains("warm-up (not measured): 10 of 10 agents received the new version")
                .contains("peer: every agent received the new version")
                .contains("aami: every agent received the new version")
                .containsPattern("(?m)^peer +10 +10 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("(?m)^aami +50 +50 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("p99 ratio aami/peer: [0-9.]+")
                .contains("goal (issue 14: p99 < 0.5 s at 1,000 agents)");
    }

    @Test
    void aBadCommandLineNamesTheOption() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        assertThat(BenchMain.run(new String[] {"policy", "--enroll", "later"}, out, out)).isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--enroll");
        assertThat(List.of(PolicyOptions.USAGE)).allMatch(u -> u.contains("--agents"));
    }
}
