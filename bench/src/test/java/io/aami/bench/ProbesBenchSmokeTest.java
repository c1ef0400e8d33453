package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code probes} run small against the real agent (../agent/target/aami-agent.jar through the shipped launcher),
 * blackbox_exporter and the raw loop: every probe of every peer answered as expected (success on the listeners,
 * failure on the closed port, which each peer was seen reporting), and the report holds the figures, the peer
 * used and the ratios. Skipped without blackbox_exporter unless AAMI_REQUIRE_TOOLS is set (CI installs it).
 */
class ProbesBenchSmokeTest {

    @Test
    @Timeout(120)
    void everyPeerAnswersEveryProbeRightAndTheReportHoldsFiguresPeersAndRatios() throws Exception {
        tool("prometheus-blackbox-exporter");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        ProbesOptions o = ProbesOptions.parse(List.of("--listeners", "2", "--duration", "700ms", "--warmup", "0",
                "--batch", "200", "--connections", "8"));

        ProbesCommand.Outcome r = new ProbesCommand(o, out).run();
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(r.correct()).as(report).isTrue();
        for (ProbeLoad.Phase p : List.of(r.blackbox(), r.batched(), r.single())) {
            assertThat(p.wrong()).as(report).isZero();
            assertThat(p.probes()).as(report).isGreaterThan(ProbeTargets.CLOSED_EVERY);
            assertThat(p.closedReportedFailed()).as("the closed port was probed and reported failed; " + report).isPositive();
            assertThat(p.cpuNanos()).as(report).isPositive();
        }
        assertThat(r.raw().wrong()).as(report).isZero();
        assertThat(r.raw().refused()).as(report).isPositive();
        assertThat(report).contains("blackbox /probe (blackbox_exporter").contains("aami /run_tasks (200-task batches")
                .contains("aami /probe (8 connections)").contains("raw peer: " + r.rawName())
                .containsPattern("batched: aami /run_tasks vs blackbox: \\d+ vs \\d+ probes per CPU-second = [0-9.]+x \\(goal >= 10\\.0x")
                .containsPattern("batched: aami /run_tasks vs raw \\(.+\\): \\d+ vs \\d+ probes per CPU-second = [0-9.]+x")
                .containsPattern("one per request: aami /probe vs blackbox: \\d+ vs \\d+ probes per CPU-second = [0-9.]+x")
                .contains("correctness: OK");
    }

    @Test
    void aWrongAnswerIsCaughtOnEitherSide() {
        ProbeLoad.Tally tally = new ProbeLoad.Tally();
        tally.answer(0, true, "listener, success");
        tally.answer(ProbeTargets.CLOSED_EVERY - 1, false, "closed port, failure");
        assertThat(tally.wrong.sum()).isZero();
        assertThat(tally.closedReportedFailed.sum()).isEqualTo(1);

        tally.answer(1, false, "listener, failure");
        tally.answer(2 * ProbeTargets.CLOSED_EVERY - 1, true, "closed port, success");
        assertThat(tally.wrong.sum()).isEqualTo(2);
        assertThat(tally.firstProblem.get()).contains("probe 1 to a listener reported failure");
    }

    /** {@code name} on PATH; skips the test without it unless AAMI_REQUIRE_TOOLS is set. */
    static Path tool(String name) {
        String path = System.getenv("PATH");
        Path found = path == null ? null : List.of(path.split(File.pathSeparator)).stream().map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(found).as(name + " on PATH (AAMI_REQUIRE_TOOLS is set)").isNotNull();
        }
        assumeTrue(found != null, name + " not installed");
        return found;
    }
}
