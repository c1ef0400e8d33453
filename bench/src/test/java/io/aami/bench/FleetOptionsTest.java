package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every refused command line exits 2 before anything starts, with a message naming what is wrong. */
class FleetOptionsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                   | no command",
            "probe --agents 1                                     | unknown command 'probe'",
            "fleet --embedded                                     | --agents is required",
            "fleet --agents 0 --embedded                          | --agents must be a whole number from 1",
            "fleet --agents ten --embedded                        | --agents must be a whole number",
            "fleet --agents 10                                    | give --embedded or --server",
            "fleet --agents 10 --embedded --server https://h:1    | --embedded and --server exclude each other",
            "fleet --agents 10 --embedded --tls --no-tls          | --tls and --no-tls exclude each other",
            "fleet --agents 10 --embedded --duration 60           | --duration: '60' is not a duration",
            "fleet --agents 10 --embedded --duration 500ms        | --duration must be at least 1s",
            "fleet --agents 10 --embedded --heartbeat             | --heartbeat needs a value",
            "fleet --agents 10 --embedded --results-per-minute -1 | --results-per-minute must be a whole number from 0 to 6000, not '-1'",
            "fleet --agents 10 --embedded --results-per-minute 9999 | --results-per-minute must be a whole number from 0 to 6000",
            "fleet --agents 10 --embedded --ramp 0                | --ramp must be a whole number from 1",
            "fleet --agents 10 --embedded --agnets 5              | unknown option --agnets",
            "fleet --agents 10 --embedded stray                   | unexpected argument 'stray'",
            "fleet --agents 10 --server ftp://h:1 --admin-token-file t --database-url jdbc:postgresql://h/d | --server must be https://host:port",
            "fleet --agents 10 --server https://h:1/api --admin-token-file t --database-url jdbc:postgresql://h/d | --server must be https://host:port",
            "fleet --agents 10 --server https://h:1 --database-url jdbc:postgresql://h/d --ca-file c | --server needs --admin-token-file",
            "fleet --agents 10 --server https://h:1 --admin-token-file t --ca-file c | --server needs --database-url",
            "fleet --agents 10 --server https://h:1 --admin-token-file t --database-url mysql://h/d | --database-url must be a jdbc:postgresql: URL",
            "fleet --agents 10 --server https://h:1 --admin-token-file t --database-url jdbc:postgresql://h/d | --server over TLS needs --ca-file",
            "fleet --agents 10 --server http://h:1 --tls --admin-token-file t --database-url jdbc:postgresql://h/d | does not match --tls",
            "fleet --agents 10 --embedded --database-url jdbc:postgresql://h/d | belong to --server, not --embedded",
            "fleet --agents 10 --server https://h:1 --admin-token-file t --database-url jdbc:postgresql://h/d --ca-file c --data-dir d | --data-dir belongs to --embedded",
            "fleet --agents 10 --embedded --identities ids.json   | --identities with --embedded needs --data-dir",
            "fleet --agents 10 --embedded --ramp x                | --ramp must be a whole number from 1",
            "fleet --agents 10 --embedded --processes 0           | --processes must be a whole number from 1 to 64",
            "fleet --agents 10 --embedded --processes 65          | --processes must be a whole number from 1 to 64",
            "fleet --agents 10 --embedded --replicas 17           | --replicas must be a whole number from 1 to 16",
            "fleet --agents 10 --server https://h:1 --admin-token-file t --database-url jdbc:postgresql://h/d --ca-file c --replicas 2 | --replicas belongs to --embedded",
    })
    void refusedCommandLinesExitTwoNamingTheProblem(String line, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = line.isBlank() ? new String[0] : line.trim().split("\\s+");
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(printed).contains(message).contains("usage: aami-bench fleet");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing ran").isEmpty();
    }

    @Test
    void defaultsAreTheIssuesFleetShape() throws Exception {
        FleetOptions o = FleetOptions.parse(List.of("--agents", "5", "--embedded"));
        assertThat(o.tls()).isTrue();
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.heartbeat()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.resultsPerMinute()).isEqualTo(10);
        assertThat(o.rampPerMinute()).isZero();
        assertThat(o.identities()).isNull();
        // One simulator process and one server: the run as it was before --processes and --replicas.
        assertThat(o.processes()).isEqualTo(1);
        assertThat(o.replicas()).isEqualTo(1);
        // --ramp alone: issue 14's step of 5,000 agents a minute.
        assertThat(FleetOptions.parse(List.of("--agents", "5", "--ramp", "--embedded")).rampPerMinute()).isEqualTo(5_000);
        assertThat(FleetOptions.parse(List.of("--agents", "5", "--embedded", "--ramp")).rampPerMinute()).isEqualTo(5_000);
        assertThat(FleetOptions.parse(List.of("--agents", "5", "--embedded", "--ramp", "250")).rampPerMinute()).isEqualTo(250);
        assertThat(FleetOptions.parse(List.of("--agents", "5", "--server", "http://127.0.0.1:8080", "--admin-token-file", "t",
                "--database-url", "jdbc:postgresql://127.0.0.1/aami")).tls()).isFalse();
    }
}
