package io.aami.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FleetText} writes what client_java's writer wrote for the same series, byte for byte: label values with
 * quotes, backslashes, newlines and non-ASCII, values as {@link Double#toString}, families in name order, an empty
 * family left out, a series without labels. (Rows arrive unsorted from PostgreSQL; client_java sorted the series
 * of a family, so here they are given in sorted order.)
 */
class FleetTextCompatibilityTest {
    @Test
    void theTextIsClientJavasByteForByte() throws Exception {
        String[][] rows = {{"a1", "dis\"k", "gr\\p", "hö\nst"}, {"b2", "ntp", "", "plain"}};
        double[] values = {0, 1, 0.25, 1.764590000123E9, -1, 3, 1e-7, 12345678.9};
        FleetText text = new FleetText();
        FleetText.Family status = text.family("aami_check_status", "Latest check status: 0 ok, 1 warning, 2 critical, 3 unknown");
        text.family("aami_check_duration_seconds", "never sampled: left out");
        FleetText.Family up = text.family("aami_db_up", "1 when the latest fleet rendering could read PostgreSQL, else 0");
        up.sample(1);
        int i = 0;
        for (String[] r : rows) {
            for (double v : List.of(values[i++], values[i++], values[i++], values[i++])) {
                status.sample(FleetText.labels("agent_id", r[0] + v, "check", r[1], "group", r[2], "hostname", r[3]), v);
            }
        }
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        text.writeTo(ours);

        List<GaugeDataPointSnapshot> points = new java.util.ArrayList<>();
        i = 0;
        for (String[] r : rows) {
            for (double v : List.of(values[i++], values[i++], values[i++], values[i++])) {
                points.add(GaugeDataPointSnapshot.builder().value(v)
                        .labels(Labels.of("hostname", r[3], "agent_id", r[0] + v, "group", r[2], "check", r[1])).build());
            }
        }
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(theirs, MetricSnapshots.of(
                new GaugeSnapshot(new MetricMetadata("aami_db_up", "1 when the latest fleet rendering could read PostgreSQL, else 0"),
                        List.of(GaugeDataPointSnapshot.builder().value(1).labels(Labels.EMPTY).build())),
                new GaugeSnapshot(new MetricMetadata("aami_check_status", "Latest check status: 0 ok, 1 warning, 2 critical, 3 unknown"),
                        points),
                new GaugeSnapshot(new MetricMetadata("aami_check_duration_seconds", "never sampled: left out"), List.of())));

        String expected = theirs.toString(StandardCharsets.UTF_8);
        assertThat(sortedWithinFamilies(ours.toString(StandardCharsets.UTF_8))).isEqualTo(sortedWithinFamilies(expected));
        assertThat(ours.size()).isEqualTo(text.size()).isEqualTo(theirs.size());
        MetricsExportTest.promtoolAccepts(ours.toString(StandardCharsets.UTF_8));
    }

    /** The series of each family sorted as client_java sorts them (by label values here, the label names being equal). */
    private static String sortedWithinFamilies(String text) {
        StringBuilder out = new StringBuilder();
        List<String> series = new java.util.ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#") || line.isEmpty()) {
                series.stream().sorted().forEach(l -> out.append(l).append('\n'));
                series.clear();
                if (!line.isEmpty()) {
                    out.append(line).append('\n');
                }
            } else {
                series.add(line);
            }
        }
        series.stream().sorted().forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }
}
