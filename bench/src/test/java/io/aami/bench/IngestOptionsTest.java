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

/** {@code ingest} and {@code heartbeat}: every refused command line exits 2 before anything starts, naming the option. */
class IngestOptionsTest {
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "ingest                                  | ingest    | --embedded is required",
            "ingest --embedded --agents 0            | ingest    | --agents must be a whole number from 1",
            "ingest --embedded --batch 10001         | ingest    | --batch must be a whole number from 1 to 10000",
            "ingest --embedded --results x           | ingest    | --results must be a whole number",
            "ingest --embedded --peer copy           | ingest    | --peer must be psql or jdbc, not 'copy'",
            "ingest --embedded --tls --no-tls        | ingest    | --tls and --no-tls exclude each other",
            "ingest --embedded --batch               | ingest    | --batch needs a value",
            "ingest --embedded --warmup 0            | ingest    | --warmup must be a whole number from 1 to 1000",
            "ingest --embedded --agnets 3            | ingest    | unknown option --agnets",
            "heartbeat                               | heartbeat | --embedded is required",
            "heartbeat --embedded --duration 500ms   | heartbeat | --duration must be at least 1s",
            "heartbeat --embedded --warmup soon      | heartbeat | --warmup:",
            "heartbeat --embedded stray              | heartbeat | unexpected argument 'stray'",
    })
    void refusedCommandLinesExitTwoNamingTheProblem(String line, String command, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = BenchMain.run(line.trim().split("\\s+"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(printed).contains(message).contains("usage: aami-bench " + command);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing ran").isEmpty();
    }

    @Test
    void defaults() throws Exception {
        IngestOptions i = IngestOptions.parse(List.of("--embedded"));
        assertThat(i).isEqualTo(new IngestOptions(32, 20000, 500, 80, true, "psql"));
        HeartbeatOptions h = HeartbeatOptions.parse(List.of("--embedded", "--no-tls"));
        assertThat(h).isEqualTo(new HeartbeatOptions(64, Duration.ofSeconds(40), Duration.ofSeconds(30), false));
    }
}
