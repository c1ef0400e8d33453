package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A small {@code footprint} run: the real agent jar through the launcher packaged in the bench jar,
 * 5 checks and 2 probes, a 3 s window next to node_exporter, in its second life, mapping the launcher's class archive
 * made as the packages make it ({@code aami-agent --train}, the first life mapping it too) or by the first life of 2 s
 * at its stop. Every check and probe must reach the server (the agent did its work), the
 * agent must run with exactly the shipped launcher's JVM flags and the archive,
 * and the table must hold RSS, threads and CPU of both and their ratios. Never asserts a figure.
 * Skipped without node_exporter unless AAMI_REQUIRE_TOOLS is set (CI installs it).
 */
class FootprintSmokeTest {
    private static final Path AGENT_JAR = Path.of("../agent/target/aami-agent.jar");
    private static final Path LAUNCHER = Path.of("../install/src/main/dist/aami-agent");

    @ParameterizedTest
    @ValueSource(strings = {FootprintOptions.ARCHIVE_TRAIN, FootprintOptions.ARCHIVE_FIRST_LIFE})
    @Timeout(180)
    void anAgentWithChecksAndProbesIsMeasuredBesideNodeExporter(String archive) throws Exception {
        boolean present = Files.isExecutable(FootprintOptions.DEFAULT_NODE_EXPORTER);
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as("prometheus-node-exporter installed (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, "prometheus-node-exporter not installed");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        FootprintOptions o = FootprintOptions.parse(List.of("--embedded", "--checks", "5", "--probes", "2", "--warmup", "1s",
                "--window", "3s", "--archive", archive, "--first-life", "2s", "--agent-jar", AGENT_JAR.toString()));

        FootprintCommand.Outcome r = new FootprintCommand(o, out).run();
        String report = printed.toString(StandardCharsets.UTF_8);
        System.out.print(report);

        assertThat(r.correct()).as(report).isTrue();
        assertThat(r.checksReported()).as(report).isEqualTo(5);
        assertThat(r.probesReported()).as(report).isEqualTo(2);
        assertThat(report).contains("results at the server: 5 of 5 checks, 2 of 2 probes reported -> OK");
        // The measured life maps the class archive the training run, or its first life at its stop, recorded.
        if (archive.equals(FootprintOptions.ARCHIVE_TRAIN)) {
            assertThat(report).containsPattern("training run \\(aami-agent --train\\): exit 0 in [0-9.]+ s; class archive recorded \\([0-9.]+ MB\\)")
                    .containsPattern("first life: 2 s, stopped; class archive kept: it mapped the one there \\([0-9.]+ MB\\)");
        } else {
            assertThat(report).doesNotContain("training run")
                    .containsPattern("first life: 2 s, stopped; class archive recorded \\([0-9.]+ MB\\)");
        }
        assertThat(report).containsPattern(Pattern.quote("agent command line: " + System.getProperty("java.home") + "/bin/java "
                + shippedFlags()) + "( -XX:TrimNativeHeapInterval=5000)? -XX:SharedArchiveFile=/\\S+/aami-agent\\.jsa"
                + Pattern.quote(" -jar " + AGENT_JAR.toAbsolutePath()));
        String number = "\\s+[0-9.]+";
        assertThat(report).containsPattern("aami-agent" + number + number + "\\s+\\d+" + number)
                .containsPattern("node_exporter" + number + number + "\\s+\\d+" + number)
                .containsPattern("agent/peer(\\s+([0-9.]+|Infinity|NaN)x){4}")
                .containsPattern("goal \\(issue 14\\): agent RSS <= 48 MB: (met|NOT met)");
        assertThat(r.agent().rssBytes()).isPositive();
        assertThat(r.peer().rssBytes()).isPositive();
        assertThat(r.agent().threads()).isPositive();
    }

    /** The launcher's built-in JVM flags, read from the shipped file itself. */
    private static String shippedFlags() throws Exception {
        Matcher m = Pattern.compile("(?m)^default_opts=\"([^\"]*)\"").matcher(Files.readString(LAUNCHER));
        assertThat(m.find()).as("default_opts in " + LAUNCHER).isTrue();
        return m.group(1);
    }
}
