package io.aami.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code aami-bench metrics} small (kept short: mvn verify's budget): 1,000 check series seeded through SQL
 * into an embedded server, two direct scrapes with changed checks between them ({@code max_age} 0, so no wait),
 * and a real Prometheus (the Debian package; skipped when absent unless AAMI_REQUIRE_TOOLS is set) scraping it once. Every scrape must hold every series and
 * every change, and the report must carry the figure, the peer's and their ratio.
 */
class MetricsBenchSmokeTest {
    @Test
    @Timeout(120)
    void aThousandSeriesAreAllExportedWithEveryChangeAndTheReportHasTheFigures() {
        boolean prometheus = MetricsCommand.onPath("prometheus");
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(prometheus).as("prometheus on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        List<String> args = new ArrayList<>(List.of("metrics", "--series", "1000", "--checks-per-target", "50", "--scrapes", "2",
                "--changes-per-scrape", "100", "--max-age", "0s", "--prometheus-interval", "1s", "--prometheus-scrapes", "1"));
        if (!prometheus) {
            args.add("--no-prometheus");
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code = BenchMain.run(args.toArray(String[]::new), new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
        String report = printed.toString(StandardCharsets.UTF_8);

        assertThat(code).as(report).isZero();
        assertThat(report).contains("correctness (every series and every change in each scrape): OK")
                .containsPattern("render \\(server, aami_fleet_render_seconds\\): p50 \\d+\\.\\d+ s")
                .containsPattern("peer: plain SELECT of the same 1000 rows via JDBC p50 \\d+\\.\\d+ s")
                .containsPattern("ratio render : SELECT \\d+\\.\\d+")
                .contains("goal (render <= 0.3 s, <= 1 render per scrape): ");
        if (prometheus) {
            // One scrape is asked for; on a loaded machine Prometheus may make a second before it is stopped.
            assertThat(report).containsPattern("prometheus: scrape_duration_seconds p50 \\d+\\.\\d+ s.* renders per scrape "
                    + "(n/a \\(one scrape\\)|\\d+\\.\\d+)");
        }
        assumeTrue(prometheus, "prometheus not installed: its part was skipped");
    }

    @Test
    void aBadOptionIsRefusedByName() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[] {"metrics", "--series", "1001", "--checks-per-target", "100"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(BenchMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--series 1001 must be a multiple of --checks-per-target 100");
    }
}
