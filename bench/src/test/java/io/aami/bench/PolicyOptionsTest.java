package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code policy}'s spread: refused command lines exit 2 naming the option, and the descriptor shares are computed
 * per process (each agent one connection, one descriptor in its simulator process and one in its replica).
 */
class PolicyOptionsTest {
    private static final long HERE = 18_000;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "policy --processes 0                                 | --processes must be a whole number from 1 to 64",
            "policy --processes 65                                | --processes must be a whole number from 1 to 64",
            "policy --replicas 0                                  | --replicas must be a whole number from 1 to 16",
            "policy --replicas 17                                 | --replicas must be a whole number from 1 to 16",
            "policy --replicas                                    | --replicas needs a value",
            "policy --agents 1000000 --processes 64 --replicas 16 | raise --replicas",
            "policy --agents 50000 --processes 2 --replicas 4     | raise --processes",
            "policy --poll-wait 11m                               | --poll-wait must be at most 10m",
    })
    void refusedCommandLinesExitTwoNamingTheOption(String line, String message) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        int code = BenchMain.run(line.trim().split("\\s+"), out, out);
        assertThat(code).as(printed.toString(StandardCharsets.UTF_8)).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains(message).contains("usage: aami-bench policy");
    }

    @Test
    void theDefaultsKeepEverythingInThisJvmOnOneServer() throws Exception {
        PolicyOptions o = PolicyOptions.parse(List.of());
        assertThat(o.processes()).isEqualTo(1);
        assertThat(o.replicas()).isEqualTo(1);
        PolicyOptions spread = PolicyOptions.parse(List.of("--agents", "40", "--processes", "2", "--replicas", "2"));
        assertThat(spread.processes()).isEqualTo(2);
        assertThat(spread.replicas()).isEqualTo(2);
    }

    @Test
    void fiftyThousandFitOverFourChildrenAndFourReplicas() {
        assertThat(PolicyOptions.descriptorRefusal(50_000, 4, 4, HERE)).isNull();
        assertThat(PolicyOptions.descriptorRefusal(9_000, 1, 1, HERE)).as("both ends of 9,000 in one JVM").isNull();
    }

    @Test
    void eachRefusalNamesTheOptionToRaise() {
        assertThat(PolicyOptions.descriptorRefusal(50_000, 2, 4, HERE)).contains("25,000").contains("each simulator child")
                .endsWith("raise --processes");
        assertThat(PolicyOptions.descriptorRefusal(50_000, 4, 2, HERE)).contains("25,000").contains("each config-server replica")
                .endsWith("raise --replicas");
        assertThat(PolicyOptions.descriptorRefusal(9_001, 1, 1, HERE)).contains("18,002 connections in this JVM")
                .contains("raise --processes");
        assertThat(PolicyOptions.descriptorRefusal(13_000, 1, 2, HERE)).as("13,000 agents and the first replica's 6,500")
                .contains("raise --processes");
        assertThat(PolicyOptions.descriptorRefusal(19_000, 2, 1, HERE)).as("this JVM is the only replica").contains("--replicas 1")
                .endsWith("raise --replicas");
    }
}
