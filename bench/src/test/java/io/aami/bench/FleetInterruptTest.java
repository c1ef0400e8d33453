package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet} as a real process: stopped by a signal mid-run it still prints the figures so far and
 * the exactly-once verdict on what was acknowledged, and saves {@code --identities}; the next run
 * against the same server directory starts those agents without enrolling them again.
 */
class FleetInterruptTest {
    private static final int AGENTS = 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aSignalPrintsThePartialReportAndTheSavedIdentitiesAreReusedByTheNextRun() throws Exception {
        Path data = dir.resolve("server");
        Path ids = dir.resolve("identities.json");
        Path log = dir.resolve("first.log");
        // Policy long polls of 5 s (FleetSmokeTest's), not the default 55 s: nothing here is about policy, and no poll
        // held by a run's server should outlast the run.
        Process first = bench(log, "fleet", "--agents", String.valueOf(AGENTS), "--embedded", "--data-dir", data.toString(),
                "--identities", ids.toString(), "--duration", "10m", "--heartbeat", "2s", "--results-per-minute", "120", "--policy-wait", "5s");
        try {
            waitFor(log, "enrolled " + AGENTS + " agents", first);
            TimeUnit.SECONDS.sleep(3);
            first.destroy(); // SIGTERM: the shutdown hook's path, as Ctrl-C's SIGINT
            assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }
        String report = Files.readString(log);
        assertThat(report).contains("interrupted after").contains("with " + AGENTS + " agents: the figures so far")
                .contains("check-results").containsPattern("exactly-once \\(database\\): OK — " + AGENTS
                        + " agents, [1-9][0-9]* results acknowledged");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ids))).isEqualTo("rw-------");

        Path again = dir.resolve("second.log");
        Process second = bench(again, "fleet", "--agents", String.valueOf(AGENTS), "--embedded", "--data-dir", data.toString(),
                "--identities", ids.toString(), "--duration", "2s", "--heartbeat", "2s", "--results-per-minute", "120", "--policy-wait", "5s");
        try {
            assertThat(second.waitFor(180, TimeUnit.SECONDS)).as(Files.readString(again)).isTrue();
            String rerun = Files.readString(again);
            assertThat(second.exitValue()).as(rerun).isZero();
            assertThat(rerun).contains(AGENTS + " agents from --identities").containsPattern("(?m)^register +0 ")
                    .contains("exactly-once (database): OK — " + AGENTS + " agents");
        } finally {
            second.destroyForcibly();
        }
    }

    private static Process bench(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), BenchMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void waitFor(Path log, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
