package io.aami.agent.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.contract.probes.ProbeResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProbeMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    private static ProbeResult result(String taskId, boolean success, double totalMs) {
        return new ProbeResult(taskId, "127.0.0.1", 40000, "10.0.0.1", 443, "TCP", success, success ? "ok" : "refused",
                null, 1.0, totalMs, Instant.EPOCH);
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void latestResultPerTaskIdIsExported() throws Exception {
        ProbeMetrics metrics = new ProbeMetrics(registry, 10);
        metrics.recordTaskResult(result("web", true, 12.5));
        metrics.recordTaskResult(result("db", true, 3));
        metrics.recordTaskResult(result("db", false, 250));
        metrics.recordTaskResult(result(null, false, 1)); // no task id: not tracked

        String text = scrape();
        String labels = "protocol=\"TCP\",source_ip=\"127.0.0.1\",target_ip=\"10.0.0.1\",target_port=\"443\"";
        assertThat(text).contains("nodepolicy_connectivity_status{" + labels + ",task_id=\"web\"} 1.0");
        assertThat(text).contains("nodepolicy_connectivity_status{" + labels + ",task_id=\"db\"} 0.0");
        assertThat(text).contains("nodepolicy_connectivity_latency_seconds{" + labels + ",task_id=\"db\"} 0.25");
        assertThat(text).contains("nodepolicy_connectivity_latency_seconds{" + labels + ",task_id=\"web\"} 0.0125");
        assertThat(metrics.trackedTaskIds()).isEqualTo(2);
    }

    @Test
    void leastRecentlyRecordedTaskIdsAreEvictedBeyondTheCap() throws Exception {
        ProbeMetrics metrics = new ProbeMetrics(registry, 2);
        metrics.recordTaskResult(result("a", true, 1));
        metrics.recordTaskResult(result("b", true, 1));
        metrics.recordTaskResult(result("a", true, 1)); // a is now the most recent
        metrics.recordTaskResult("c", result(null, true, 1));

        String text = scrape();
        assertThat(text).contains("task_id=\"a\"").contains("task_id=\"c\"").doesNotContain("task_id=\"b\"");
        assertThat(metrics.trackedTaskIds()).isEqualTo(2);
    }

    @Test
    void engineSeriesExistFromTheStart() throws Exception {
        new ProbeMetrics(registry, ProbeMetrics.DEFAULT_MAX_TASK_IDS);

        String text = scrape();
        assertThat(text).contains("aami_agent_probes_total{protocol=\"UDP\",reason=\"dns_error\"} 0.0");
        assertThat(text).contains("aami_agent_probes_in_flight 0.0");
        assertThat(text).contains("aami_agent_probes_queue_depth 0.0");
        assertThat(text).contains("aami_agent_probe_duration_seconds_bucket{protocol=\"TCP\",le=\"0.001\"} 0");
    }

    @Test
    void capMustBePositive() {
        assertThatThrownBy(() -> new ProbeMetrics(registry, 0)).hasMessageContaining("maxTaskIds");
    }
}
