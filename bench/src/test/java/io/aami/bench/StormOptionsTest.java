package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code storm}'s refused command lines exit 2 naming the option; its defaults are the real agent's rhythm. */
class StormOptionsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "storm --embedded                                   | --agents is required",
            "storm --agents 10                                  | give --embedded",
            "storm --agents 0 --embedded                        | --agents must be a whole number from 1",
            "storm --agents 10 --embedded --server https://h:1  | --server does not apply",
            "storm --agents 10 --embedded --no-tls              | --no-tls does not apply",
            "storm --agents 10 --embedded --down                | --down needs a value",
            "storm --agents 10 --embedded --timeout 0s          | --timeout must be at least 1s",
            "storm --agents 10 --embedded --identities ids.json | --identities needs --data-dir",
            "storm --agents 10 --embedded --agnets 5            | unknown option --agnets",
            "storm --agents 10 --embedded stray                 | unexpected argument 'stray'",
            "storm --agents 10 --embedded --processes 0         | --processes must be a whole number from 1 to 64",
            "storm --agents 10 --embedded --replicas 17         | --replicas must be a whole number from 1 to 16",
    })
    void refusedCommandLinesExitTwoNamingTheProblem(String line, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = BenchMain.run(line.trim().split("\\s+"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(printed).contains(message).contains("usage: aami-bench storm");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing ran").isEmpty();
    }

    @Test
    void defaults() throws Exception {
        StormOptions o = StormOptions.parse(List.of("--agents", "5", "--embedded"));
        assertThat(o.heartbeat()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.down()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(o.peer()).isTrue();
        assertThat(o.identities()).isNull();
        assertThat(o.processes()).isEqualTo(1);
        assertThat(o.replicas()).isEqualTo(1);
    }

    @Test
    void thePeersAgentsAreKeptBesideTheIdentitiesSoARerunEnrollsNeitherFleet() {
        assertThat(StormCommand.peerIdentities(java.nio.file.Path.of("/var/tmp/storm/identities.json")))
                .isEqualTo(java.nio.file.Path.of("/var/tmp/storm/identities.json.no-tls"));
        assertThat(StormCommand.peerIdentities(null)).as("without --identities the peer enrolls afresh").isNull();
    }
}
