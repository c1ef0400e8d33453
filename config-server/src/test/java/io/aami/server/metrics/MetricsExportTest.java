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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Prometheus re-export: series, labels, staleness, access, and promtool's verdict. */
public class MetricsExportTest {
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
    void everyAssignedCheckHasAStaleSeriesUntilItsFirstResult() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "0s"))) {
            Api api = s.api();
            String web = Fixtures.group(api, "web");
            EnrolledAgent agent = Fixtures.enroll(api, "web-1", web);
            EnrolledAgent revoked = Fixtures.enroll(api, "gone", web);
            assertThat(api.post("/api/v1/targets/" + revoked.id() + "/revoke", Map.of(), ADMIN).status()).isLessThan(300);
            Fixtures.createCheck(api, check("ntp", "true", 60, Map.of("global", true)));
            Fixtures.createCheck(api, check("disk", "true", 60, Map.of("group_id", web)));
            Fixtures.createCheck(api, check("DISK", "true", 60, Map.of("global", true)));
            String own = Fixtures.createCheck(api, check("disk", "true", 30, Map.of("target_id", agent.id())));
            Map<String, Object> off = new HashMap<>(check("off", "true", 60, Map.of("global", true)));
            off.put("enabled", false);
            Fixtures.createCheck(api, off);
            String labels = "agent_id=\"" + agent.id() + "\",check=\"%s\",group=\"web\",hostname=\"web-1\"";
            String booting = java.util.UUID.randomUUID().toString();
            assertThat(api.put("/api/v1/targets/" + booting, Map.of("hostname", "booting", "group_id", web), ADMIN).status())
                    .isLessThan(300);

            String before = api.get("/metrics", null).body();
            assertThat(before).contains("aami_agent_up{agent_id=\"" + agent.id() + "\"")
                    .as("a retired (revoked) target is not down").doesNotContain("aami_agent_up{agent_id=\"" + revoked.id() + "\"")
                    .as("a pre-registered host that has not enrolled yet is not down")
                    .doesNotContain("aami_agent_up{agent_id=\"" + booting + "\"")
                    .as("but its checks are assigned, stale until it reports")
                    .contains("aami_check_stale{agent_id=\"" + booting + "\",check=\"ntp\"")
                    .as("the group's disk overrides the global DISK: names compare without case")
                    .contains("aami_check_stale{agent_id=\"" + booting + "\",check=\"disk\"")
                    .doesNotContain("check=\"DISK\"");
            assertThat(before).contains("aami_check_stale{" + labels.formatted("ntp") + "} 1")
                    .contains("aami_check_stale{" + labels.formatted("disk") + "} 1")
                    .as("no invented status before the first result").doesNotContain("aami_check_status{")
                    .as("a disabled check is not assigned").doesNotContain("check=\"off\"")
                    .as("a revoked target runs nothing").doesNotContain("hostname=\"gone\",check").doesNotContain(revoked.id() + "\",check");
            assertThat(before.lines().filter(l -> l.startsWith("aami_check_stale{agent_id=\"" + agent.id()) && l.contains("check=\"disk\"")).count())
                    .as("the target's own disk overrides the group's: one series").isEqualTo(1);

            api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t"), agent.token());
            s.running().flushHeartbeats();
            postResult(api, agent, own, 1, Instant.now());
            String after = api.get("/metrics", null).body();
            assertThat(after).contains("aami_check_stale{" + labels.formatted("disk") + "} 0")
                    .contains("aami_check_status{" + labels.formatted("disk") + "} 0")
                    .contains("aami_check_stale{" + labels.formatted("ntp") + "} 1");
            promtoolAccepts(after);
        }
    }

    @Test
    void stalenessCountsFromExecutionNeverLaterThanArrival() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "0s"))) {
            Api api = s.api();
            EnrolledAgent agent = Fixtures.enroll(api, "skewed", null);
            String old = Fixtures.createCheck(api, check("old", "true", 60, Map.of("target_id", agent.id())));
            String ahead = Fixtures.createCheck(api, check("ahead", "true", 60, Map.of("target_id", agent.id())));
            String now = Fixtures.createCheck(api, check("now", "true", 60, Map.of("target_id", agent.id())));
            api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t"), agent.token());
            s.running().flushHeartbeats();
            postResult(api, agent, old, 1, Instant.parse("2024-01-01T00:00:00Z"));
            postResult(api, agent, ahead, 2, Instant.now().plus(Duration.ofDays(365)));
            postResult(api, agent, now, 3, Instant.now());
            String labels = "agent_id=\"" + agent.id() + "\",check=\"%s\",group=\"\",hostname=\"skewed\"";

            String body = api.get("/metrics", null).body();
            assertThat(body).as("executed in 2024, arrived now: stale")
                    .contains("aami_check_stale{" + labels.formatted("old") + "} 1")
                    .contains("aami_check_stale{" + labels.formatted("now") + "} 0")
                    .as("a clock ahead is bounded by the arrival, fresh for now")
                    .contains("aami_check_stale{" + labels.formatted("ahead") + "} 0");
            Map<String, Boolean> apiStale = new HashMap<>();
            api.get("/api/v1/targets/" + agent.id() + "/checks", ADMIN).json()
                    .forEach(c -> apiStale.put(c.get("name").asText(), c.get("stale").asBoolean()));
            assertThat(apiStale).as("the admin API applies the same rule").containsEntry("old", true)
                    .containsEntry("now", false).containsEntry("ahead", false);
        }
    }

    @Test
    void aProbeResultExecutedLongAgoIsStaleThoughItJustArrived() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "0s"))) {
            Api api = s.api();
            EnrolledAgent agent = Fixtures.enroll(api, "prober", null);
            String probe = api.post("/api/v1/probes", Map.of("name", "db", "target", "127.0.0.1", "target_port", 5432,
                    "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 10, "target_id", agent.id()), ADMIN).json().get("id").asText();
            api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t"), agent.token());
            s.running().flushHeartbeats();
            Api.Reply r = api.post("/api/v1/agents/" + agent.id() + "/probe-results", Map.of("results", List.of(Map.of("seq", 1,
                    "probe_id", probe, "target", "127.0.0.1", "target_ip", "127.0.0.1", "target_port", 5432, "protocol", "TCP",
                    "success", true, "reason", "ok", "total_ms", 1.5, "executed_at", "2024-01-01T00:00:00Z"))), agent.token());
            assertThat(r.status()).as(r.toString()).isLessThan(300);

            assertThat(api.get("/metrics", null).body()).contains("aami_probe_stale{agent_id=\"" + agent.id()
                    + "\",hostname=\"prober\",probe=\"db\",protocol=\"TCP\",target=\"127.0.0.1\",target_agent_id=\"\",target_port=\"5432\"} 1");
            assertThat(api.get("/api/v1/targets/" + agent.id() + "/probes", ADMIN).json().get(0).get("stale").asBoolean()).isTrue();
        }
    }

    @Test
    void aClockAheadCannotKeepAResultFreshPastItsArrival() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (TestServer s = TestServer.start(Map.of("AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h", "AAMI_METRICS_MAX_AGE", "0s"),
                TestDatabase.fresh(), clock)) {
            Api api = s.api();
            EnrolledAgent agent = Fixtures.enroll(api, "ahead", null);
            String ahead = Fixtures.createCheck(api, check("ahead", "true", 60, Map.of("target_id", agent.id())));
            postResult(api, agent, ahead, 1, clock.instant().plus(Duration.ofDays(365)));
            clock.advance(Duration.ofSeconds(2 * 60 + 30 + 5));
            api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t"), agent.token());
            s.running().flushHeartbeats();

            assertThat(api.get("/metrics", null).body()).contains("aami_check_stale{agent_id=\"" + agent.id()
                    + "\",check=\"ahead\",group=\"\",hostname=\"ahead\"} 1");
        }
    }

    @Test
    void longPollsThatWaitedStayOutOfTheLatencyHistogram() throws Exception {
        try (TestServer s = TestServer.start(Map.of())) {
            Api api = s.api();
            EnrolledAgent agent = Fixtures.enroll(api, "poller", null);
            String path = "/api/v1/checks/target/" + agent.id();
            Api.Reply first = api.get(path, agent.token());
            String etag = first.header("ETag").orElseThrow();
            Api.Reply waited = api.send("GET", path + "?wait=1s", null, agent.token(), "If-None-Match", etag);
            assertThat(waited.status()).isEqualTo(304);

            String body = api.get("/metrics", null).body();
            String route = "route=\"/api/v1/checks/target/{id}\"";
            assertThat(body).contains("aami_http_long_poll_duration_seconds_count{method=\"GET\"," + route + ",status=\"304\"} 1")
                    .as("the immediate answer is a request like any other")
                    .contains("aami_http_request_duration_seconds_count{method=\"GET\"," + route + ",status=\"200\"} 1")
                    .doesNotContain("aami_http_request_duration_seconds_count{method=\"GET\"," + route + ",status=\"304\"}")
                    .contains("aami_server_build_info{version=\"")
                    .contains("process_cpu_seconds_total");
            promtoolAccepts(body);
        }
    }

    private static void postResult(Api api, EnrolledAgent a, String checkId, int seq, Instant executedAt) {
        Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(Map.of("seq", seq,
                "check_id", checkId, "status", "ok", "exit_code", 0, "output", "", "truncated", false,
                "timed_out", false, "duration_ms", 5, "executed_at", executedAt.toString()))), a.token());
        assertThat(r.status()).as(r.toString()).isLessThan(300);
    }

    @Test
    void scrapesShareOneRenderingOfTheFleetForMaxAge() {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "1h"))) {
            Fixtures.enroll(s.api(), "first", null);
            String before = s.api().get("/metrics", null).body();
            assertThat(before).contains("hostname=\"first\"").contains("aami_fleet_render_timestamp_seconds");
            for (String stream : List.of("checks", "probes")) {
                assertThat(before).as("server counters exist at 0 before their first event")
                        .contains("aami_results_rejected_batches_total{stream=\"" + stream + "\"} 0")
                        .contains("aami_results_seq_gap_total{stream=\"" + stream + "\"} 0")
                        .contains("aami_results_stream_resets_total{stream=\"" + stream + "\"} 0")
                        .contains("aami_results_duplicates_total{stream=\"" + stream + "\"} 0")
                        .contains("aami_results_ingested_total{stream=\"" + stream + "\"} 0");
            }
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
    public static void promtoolAccepts(String exposition) throws Exception {
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
