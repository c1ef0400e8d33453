package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code footprint}'s command line: the defaults, and every refusal naming its option (exit 2). */
class FootprintOptionsTest {
    @Test
    void defaultsAreFiftyChecksTwentyProbesAndAMinuteAfterHalfAMinute() throws Exception {
        FootprintOptions o = FootprintOptions.parse(List.of("--embedded"));
        assertThat(o.checks()).isEqualTo(50);
        assertThat(o.probes()).isEqualTo(20);
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.window()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.launcher()).isNull();
        assertThat(o.archive()).as("as the packages make it").isEqualTo(FootprintOptions.ARCHIVE_TRAIN);
        assertThat(FootprintOptions.parse(List.of("--archive", "none")).archive()).isEqualTo(FootprintOptions.ARCHIVE_NONE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--checks 0|--checks must be a whole number from 1 to 500",
            "--probes x|--probes must be a whole number from 0 to 500",
            "--window 0s|--window must be at least",
            "--warmup|--warmup needs a value",
            "--nodes 3|unknown option --nodes",
            "--archive build|--archive must be train, first-life or none, not 'build'",
            "stray|unexpected argument 'stray'"})
    void badCommandLinesAreRefusedNamingTheOption(String line, String message) {
        assertThatThrownBy(() -> FootprintOptions.parse(List.of(line.split(" "))))
                .isInstanceOf(BenchMain.UsageException.class).hasMessageContaining(message);
        assertThat(BenchMain.run(("footprint " + line).split(" "), System.out, System.err)).isEqualTo(BenchMain.EXIT_USAGE);
    }
}
