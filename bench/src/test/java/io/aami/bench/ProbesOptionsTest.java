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

/** Every refused {@code probes} command line exits 2 before anything starts, naming the option. */
class ProbesOptionsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "probes --listeners 0                  | --listeners must be a whole number from 1 to 256, not '0'",
            "probes --connections many             | --connections must be a whole number",
            "probes --batch 10001                  | --batch must be a whole number from 1 to 10000",
            "probes --batch-clients 0              | --batch-clients must be a whole number from 1",
            "probes --duration 100ms               | --duration must be at least 200ms",
            "probes --duration 10                  | --duration: '10' is not a duration",
            "probes --mode fast                    | --mode must be one of both, batched, single, not 'fast'",
            "probes --agent-jar /nonexistent.jar   | --agent-jar /nonexistent.jar is not a file",
            "probes --launcher /nonexistent        | --launcher /nonexistent is not a file",
            "probes --blackbox                     | --blackbox needs a value",
            "probes --listenres 3                  | unknown option --listenres",
            "probes stray                          | unexpected argument 'stray'",
    })
    void refusedCommandLinesExitTwoNamingTheProblem(String line, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = BenchMain.run(line.trim().split("\\s+"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(printed).contains(message).contains("usage: aami-bench probes");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing ran").isEmpty();
    }

    @Test
    void defaultsAreTheIssuesShapeAndFindTheRepositorysJars() throws Exception {
        ProbesOptions o = ProbesOptions.parse(List.of());
        assertThat(o.listeners()).isEqualTo(4);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.connections()).isEqualTo(32);
        assertThat(o.batch()).isEqualTo(1000);
        assertThat(o.batched()).isTrue();
        assertThat(o.single()).isTrue();
        assertThat(o.launcher().toString()).endsWith("install/src/main/dist/aami-agent");
        assertThat(o.agentJar().toString()).endsWith("agent/target/aami-agent.jar");
        assertThat(ProbesOptions.parse(List.of("--mode", "single", "--warmup", "0", "--agent-java-opts", "-Xint")))
                .satisfies(p -> {
                    assertThat(p.batched()).isFalse();
                    assertThat(p.warmup()).isZero();
                    assertThat(p.agentJavaOpts()).isEqualTo("-Xint");
                });
    }
}
