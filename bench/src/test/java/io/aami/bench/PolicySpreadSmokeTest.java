package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code policy --processes 2 --replicas 2} small: 40 long-polling agents in two simulator child JVMs against two
 * config-server replicas on one embedded PostgreSQL (a peer of 4 after a warm-up of 4). Every agent of every round must
 * hold the new version: the change is made through the first replica and reaches the polls parked on the second through
 * its database notice; the parking is counted over both replicas' gauges. Never asserts speed.
 */
class PolicySpreadSmokeTest {
    @Test
    // 36 s here at load 7; as FleetSmokeTest's spread run, room for five JVMs starting on a loaded 2-core machine.
    @Timeout(240)
    void fortyAgentsInTwoChildrenOverTwoReplicasEachReceiveTheGlobalChange() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int code = BenchMain.run(new String[] {"policy", "--agents", "40", "--peer", "4", "--warmup", "4", "--processes", "2",
                "--replicas", "2", "--timeout", "30s"}, out, out);
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(code).as(report).isZero();
        assertThat(report).contains("2 simulator processes (from 127.0.0.2 to 127.0.0.3)")
                .containsPattern("2 config-server replicas on one database: \\[http://127\\.0\\.0\\.1:[0-9]+, http://127\\.0\\.0\\.1:[0-9]+\\]")
                .contains("warm-up (not measured): 4 of 4 agents received the new version")
                .containsPattern("(?m)^peer +4 +4 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("(?m)^aami +40 +40 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("CPU over the change: this JVM [0-9.]+ s .*1 replica JVM [0-9.]+ s, 2 simulator JVMs [0-9.]+ s")
                .contains("peer: every agent received the new version")
                .contains("aami: every agent received the new version");
    }
}
