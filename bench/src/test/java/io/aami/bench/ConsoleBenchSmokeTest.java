package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code aami-bench console} small (kept short: mvn verify's budget): 400 targets seeded through SQL into an embedded
 * server whose statements are counted, the overview and the summary fetched with a viewer's session. The summary must
 * match the seeded fleet, each page must run the same statements at 100 and 400 targets, and the report must carry the
 * figure, the peer's and their ratio.
 */
class ConsoleBenchSmokeTest {
    @Test
    @Timeout(120)
    void theOverviewAndTheSummaryRunNoQueryPerRowAndTheReportHasTheFigures() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[] {"console", "--targets", "400", "--small-targets", "100", "--checks-per-target", "2",
                "--requests", "5", "--warmup", "2"}, new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(code).as(report).isZero();
        assertThat(report).containsPattern("(?m)^/ui +\\d+\\.\\d +\\d+\\.\\d +\\d+\\.\\d\\d +\\d+\\.\\d +(met|NOT met) +(\\d+) -> \\2$")
                .containsPattern("(?m)^/api/v1/fleet/summary +\\d+\\.\\d +\\d+\\.\\d +\\d+\\.\\d\\d +\\d+\\.\\d +(met|NOT met) +(\\d+) -> \\2$")
                .contains("peer: the same run's plain JDBC SELECT of the same rows")
                .contains("goal (every page p50 <= 150 ms): ")
                .contains("no query per row (statements per request the same at both sizes): OK")
                .contains("correctness (summary matches the seeded fleet): OK");
    }

    @Test
    void aBadOptionIsRefusedByName() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[] {"console", "--targets", "100", "--small-targets", "100"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--small-targets 100 must be below --targets 100");
        code = BenchMain.run(new String[] {"console", "--page", "http://elsewhere/ui"}, System.out, new PrintStream(err, true,
                StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--page must be a path under /ui or /api/");
    }
}
