package io.aami.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;

/**
 * One line of figures per fault scenario (README "Reliability"), printed the same way by every test of the suite
 * and checked for the suite's promise: nothing lost, nothing stored twice.
 *
 * @param produced  results the producer was told are safe (spooled, or a 2xx from the server)
 * @param stored    distinct results found in the database (or delivered) afterwards
 * @param duplicated results found more than once
 * @param lost      produced results not found
 * @param counted   results the fault destroyed and the agent counted (dropped, damaged); not lost, since said
 * @param recovery  from the end of the fault until the system worked again
 */
public record FaultFigures(String scenario, long produced, long stored, long duplicated, long lost, long counted,
                           Duration recovery) {
    /**
     * Prints the line ({@code RELIABILITY scenario=… produced=…}), appends it to {@code target/reliability-figures.txt}
     * and asserts lost = 0 and duplicated = 0.
     */
    public FaultFigures report() {
        record(line());
        assertThat(duplicated).as("duplicated results: " + line()).isZero();
        assertThat(lost).as("lost results: " + line()).isZero();
        return this;
    }

    /**
     * Prints a figures line and appends it to {@code target/reliability-figures.txt}: all scenarios of a module's run
     * in one file, beside the surefire reports (also for a scenario whose figures are not results, as the fuzzer's).
     */
    public static void record(String line) {
        System.out.println(line);
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "reliability-figures.txt"), line + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            System.out.println("(figures not appended to target/reliability-figures.txt: " + e + ")");
        }
    }

    public String line() {
        return String.format(Locale.ROOT, "RELIABILITY scenario=%s produced=%d stored=%d duplicated=%d lost=%d counted=%d recover_ms=%d",
                scenario, produced, stored, duplicated, lost, counted, recovery.toMillis());
    }
}
