package io.aami.server.metrics;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Prometheus re-export: series, labels, staleness, access, and promtool's verdict. */
class MetricsExportTest {
    @Test
    void fleetStateIsExportedAndOfflineAgentsChecksAreStale() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer s = TestServer.start(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), TestDatabase.fresh(), clock)) {
            Api api = s.api();
            String web = Fixtures.group(api, "web");
            EnrolledAgent quiet = Fixtures.enroll(api, "web-1", web);
            EnrolledAgent busy = Fixtures.enroll(api, "web-2", web);
            String disk = Fixtures.createCheck(api, check("disk", "true", 60, Map.of("group_id", web)));
            for (EnrolledAgent a : List.of(quiet, busy)) {
                api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(Map.of("seq", 1,
                        "check_id", disk, "status", "warning", "exit_code", 1, "output", "<script said this>", "truncated", false,
                        "timed_out", false, "duration_ms", 250, "executed_at", clock.instant().toString()))), a.token());
            }
            clock.advance(Duration.ofSeconds(100));
            api.post("/api/v1/agents/" + busy.id() + "/heartbeat", Map.of("agent_version", "t"), busy.token());
            s.running().flushHeartbeats();
            s.running().sweepNow();

            String body = api.get("/metrics", null).body();
            String quietLabels = "agent_id=\"" + quiet.id() + "\",group=\"web\",hostname=\"web-1\"";
            String busyLabels = "agent_id=\"" + busy.id() + "\",group=\"web\",hostname=\"web-2\"";
            assertThat(body).contains("aami_agent_up{" + quietLabels + "} 0")
                    .contains("aami_agent_up{" + busyLabels + "} 1")
                    .contains("aami_check_status{" + quietLabels.replace(",group", ",check=\"disk\",group") + "} 1")
                    .contains("aami_check_stale{" + quietLabels.replace(",group", ",check=\"disk\",group") + "} 1")
                    .contains("aami_check_stale{" + busyLabels.replace(",group", ",check=\"disk\",group") + "} 0")
                    .contains("aami_check_duration_seconds{" + busyLabels.replace(",group", ",check=\"disk\",group") + "} 0.25")
                    .contains("aami_check_last_run_timestamp_seconds{")
                    .contains("aami_agent_last_heartbeat_timestamp_seconds{")
                    .contains("aami_results_ingested_total{stream=\"checks\"} 2")
                    .contains("aami_http_request_duration_seconds_bucket{")
                    .contains("route=\"/api/v1/agents/{id}/check-results\"")
                    .contains("aami_db_pool_connections{state=\"active\"}")
                    .contains("jvm_memory_used_bytes")
                    .doesNotContain("<script said this>");
            promtoolAccepts(body);
        }
    }

    @Test
    void scrapesShareOneRenderingOfTheFleetForMaxAge() {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "1h"))) {
            Fixtures.enroll(s.api(), "first", null);
            String before = s.api().get("/metrics", null).body();
            assertThat(before).contains("hostname=\"first\"").contains("aami_fleet_render_timestamp_seconds");
            Fixtures.enroll(s.api(), "second", null);
            String cached = s.api().get("/metrics", null).body();
            assertThat(cached).contains("hostname=\"first\"").doesNotContain("hostname=\"second\"");
            assertThat(cached).contains("aami_heartbeats_total").as("the server's own metrics stay live");
        }
    }

    @Test
    void metricsCanRequireTheAdminToken() {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_PUBLIC", "false"))) {
            assertThat(s.api().get("/metrics", null).status()).isEqualTo(401);
            assertThat(s.api().get("/metrics", ADMIN).status()).isEqualTo(200);
        }
    }

    /** Runs {@code promtool check metrics}; CI installs promtool and sets AAMI_REQUIRE_TOOLS so it cannot be skipped there. */
    static void promtoolAccepts(String exposition) throws Exception {
        boolean present = System.getenv("PATH") != null && List.of(System.getenv("PATH").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        if (System.getenv("AAMI_REQUIRE_TOOLS") != null) {
            assertThat(present).as("promtool on PATH (AAMI_REQUIRE_TOOLS is set)").isTrue();
        }
        assumeTrue(present, "promtool not installed");
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String verdict = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said: " + verdict).isZero();
    }
}
