package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.bench.Stats.Endpoint;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fleet held, decided from measured minutes alone: {@code --ramp}'s knee is the largest fleet whose minute had
 * heartbeat and result p99 ≤ 100 ms and nothing lost, the ramp ending at the first minute that did not hold; without
 * {@code --ramp}, the whole fleet or 0; and the goal line against issue 14's 50,000.
 */
class KneeTest {
    /**
     * Minutes as {@code agents:heartbeat p99:results p99:5xx so far:lost+duplicated}, space-separated, in order; a
     * minute with both p99s 0 had no answers, any other 100 per agent.
     */
    @ParameterizedTest(name = "{0} -> knee {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                                | 0",
            "1000:40:60:0:0                                                    | 1000",
            "1000:40:60:0:0 2000:50:70:0:0 3000:60:90:0:0                      | 3000",
            // The first measured minute already fails: no fleet held.
            "1000:150:60:0:0 2000:40:60:0:0                                    | 0",
            "1000:40:60:0:1                                                    | 0",
            // The knee is the last size before the first failing minute, on either endpoint's p99.
            "1000:40:60:0:0 2000:50:70:0:0 3000:118.3:223.5:0:0                | 2000",
            "1000:40:60:0:0 2000:50:70:0:0 3000:60:100.01:0:0                  | 2000",
            "1000:40:60:0:0 2000:100.01:70:0:0                                 | 1000",
            // A loss or duplicate ends it, however fast the minute was.
            "1000:40:60:0:0 2000:10:10:0:1 3000:10:10:0:0                      | 1000",
            // Exactly the limit holds (p99 ≤ 100 ms, as documented).
            "1000:100:100:0:0 2000:100:100.0:0:0                               | 2000",
            // 5xx are retried by the agents; alone they do not fail a minute (a loss they caused would).
            "1000:58.6:86.3:38:0 2000:91.5:99:38:0                             | 2000",
            // The ramp stops at the first failure: a larger fleet that held later is never reached.
            "1000:40:60:0:0 2000:500:70:0:0 3000:40:60:0:0                     | 1000",
            // A minute with nothing answered in it (--duration ran out while its wave enrolled) is not a minute that held:
            // its empty histograms' p99 of 0 would otherwise make the unmeasured wave the knee.
            "1000:40:60:0:0 6000:0:0:0:0                                       | 1000",
            "1000:0:0:0:0                                                      | 0",
    })
    void theKneeIsTheLastFleetThatHeldBeforeTheFirstMinuteThatDidNot(String minutes, int knee) {
        assertThat(Knee.of(parse(minutes))).isEqualTo(knee);
    }

    @Test
    void eachMinuteIsJudgedLossFirstThenLatency() {
        assertThat(Knee.judge(100, 100, 0)).isEqualTo(Knee.Step.HELD);
        assertThat(Knee.judge(100.01, 0, 0)).isEqualTo(Knee.Step.TOO_SLOW);
        assertThat(Knee.judge(0, 100.01, 0)).isEqualTo(Knee.Step.TOO_SLOW);
        assertThat(Knee.judge(500, 500, 1)).isEqualTo(Knee.Step.LOST);
        Knee k = new Knee();
        assertThat(k.add(new Knee.Minute(1000, 10, 10, 2000, 0, 0))).isEqualTo(Knee.Step.HELD);
        assertThat(k.add(new Knee.Minute(6000, 0, 0, 0, 0, 0))).isEqualTo(Knee.Step.UNMEASURED);
        assertThat(k.add(new Knee.Minute(6000, 0, 0, 0, 0, 2))).as("a loss counts without answers").isEqualTo(Knee.Step.LOST);
        assertThat(k.knee()).as("a failing minute leaves the knee where it was").isEqualTo(1000);
    }

    @Test
    void theGoalLineGivesTheFleetHeldItsRatioToFiftyThousandAndMetOrNot() {
        assertThat(Knee.goal(2_000, "the knee of --ramp")).isEqualTo("fleet held: 2,000 agents (the knee of --ramp)\n"
                + "goal (issue 14: >= 50,000 agents held at p99 <= 100 ms, nothing lost; stretch 100,000):"
                + " NOT met (2,000 = 0.04x)\n");
        assertThat(Knee.goal(49_999, "x")).contains("NOT met (49,999 = 1.00x)");
        assertThat(Knee.goal(50_000, "x")).contains(": met (50,000 = 1.00x)");
        assertThat(Knee.goal(0, "x")).contains("fleet held: 0 agents").contains("NOT met (0 = 0.00x)");
    }

    /** Without {@code --ramp}: whole-run p99s of real recorded answers, and the database's verdict. */
    @Test
    void withoutARampTheWholeFleetHeldOrNone() {
        ExactlyOnce.Verdict clean = new ExactlyOnce.Verdict(200, 4000, 4000, 0, 0, 0);
        assertThat(Report.held(200, answers(40, 99), clean)).isEqualTo(200);
        assertThat(Report.heldHow(answers(40, 99), clean)).contains("the whole fleet for the whole run").contains("nothing lost");
        assertThat(Report.held(200, answers(40, 130), clean)).isZero();
        assertThat(Report.heldHow(answers(130, 40), clean)).startsWith("not held: heartbeat p99 130.");
        for (ExactlyOnce.Verdict bad : List.of(new ExactlyOnce.Verdict(200, 4000, 3999, 1, 0, 0),
                new ExactlyOnce.Verdict(200, 4000, 4001, 0, 1, 0), new ExactlyOnce.Verdict(200, 4000, 4001, 0, 0, 1))) {
            assertThat(Report.held(200, answers(40, 40), bad)).as("%s", bad).isZero();
            assertThat(Report.heldHow(answers(40, 40), bad)).isEqualTo("not held: 1 results lost, duplicated or never produced");
        }
        assertThat(Report.held(200, new Stats(), clean)).as("nothing answered: nothing held").isZero();
        assertThat(Report.heldHow(new Stats(), clean)).isEqualTo("not held: no heartbeat or result batch answered to judge");
    }

    @Test
    void everyAnsweredEndpointsP99IsPrintedAgainstTheLimitTheHeldLongPollIsNot() {
        Stats s = answers(40, 130);
        s.record(Endpoint.REGISTER, 201, TimeUnit.MILLISECONDS.toNanos(250));
        s.record(Endpoint.POLICY_WAIT, 304, TimeUnit.SECONDS.toNanos(55));
        String printed = Report.limits(s);
        // HdrHistogram (3 significant digits) reports a bucket's highest value: 40 ms reads 40.03.
        assertThat(printed).startsWith("p99 against the 100 ms limit (whole run):\n")
                .contains("heartbeat              40.03 ms =  0.40x the limit: within\n")
                .contains("check-results         130.05 ms =  1.30x the limit: over\n")
                .contains("register              250.11 ms =  2.50x the limit: over (shown, not judged)\n")
                .doesNotContain("policy 304").doesNotContain("health");
    }

    private static Stats answers(long heartbeatMs, long resultsMs) {
        Stats s = new Stats();
        for (int i = 0; i < 100; i++) {
            s.record(Endpoint.HEARTBEAT, 204, TimeUnit.MILLISECONDS.toNanos(heartbeatMs));
            s.record(Endpoint.CHECK_RESULTS, 200, TimeUnit.MILLISECONDS.toNanos(resultsMs));
        }
        return s;
    }

    private static List<Knee.Minute> parse(String minutes) {
        return Arrays.stream(minutes.trim().split("\\s+")).filter(m -> !m.isEmpty()).map(m -> m.split(":"))
                .map(f -> new Knee.Minute(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        f[1].equals("0") && f[2].equals("0") ? 0 : 100L * Integer.parseInt(f[0]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]))).toList();
    }
}
