package io.aami.server.metrics;

import static io.aami.server.metrics.MetricsExportTest.promtoolAccepts;
import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** When the fleet is rendered (once per scrape at most, never while nobody scrapes), and that each scrape sees the changes. */
class FleetRenderingTest {
    @Test
    void aScrapeRendersAtMostOnceAndNobodyScrapingRendersNothing() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "1s"))) {
            Fixtures.enroll(s.api(), "web-1", null);
            assertThat(renders(s.api().get("/metrics", null).body())).isEqualTo(1);
            assertThat(renders(s.api().get("/metrics", null).body())).as("within max_age: shared").isEqualTo(1);
            // Long enough for a refresher on a max_age timer to have rendered twice more while nobody scraped.
            Thread.sleep(3_000);
            assertThat(renders(s.api().get("/metrics", null).body())).as("rendered by this scrape only").isEqualTo(2);
        }
    }

    @Test
    void eachScrapeSeesAChangedCheckAndNoLongerADeletedTarget() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "0s"))) {
            Api api = s.api();
            EnrolledAgent kept = Fixtures.enroll(api, "kept", null);
            EnrolledAgent gone = Fixtures.enroll(api, "gone", null);
            String disk = Fixtures.createCheck(api, check("disk", "true", 60, Map.of("global", true)));
            post(api, kept, disk, 1, "ok");
            post(api, gone, disk, 1, "ok");
            String labels = "{agent_id=\"" + kept.id() + "\",check=\"disk\",group=\"\",hostname=\"kept\"}";
            String first = api.get("/metrics", null).body();
            assertThat(first).contains("aami_check_status" + labels + " 0.0").contains("agent_id=\"" + gone.id() + "\"");

            post(api, kept, disk, 2, "critical");
            assertThat(api.delete("/api/v1/targets/" + gone.id(), ADMIN).status()).isLessThan(300);
            String second = api.get("/metrics", null).body();
            assertThat(second).contains("aami_check_status" + labels + " 2.0").doesNotContain("aami_check_status" + labels + " 0.0")
                    .as("a deleted target has no series left").doesNotContain(gone.id().toString());
            assertThat(renders(second)).isEqualTo(2);
            promtoolAccepts(second);
        }
    }

    @Test
    void gzipWhenAskedIsTheSameText() throws Exception {
        try (TestServer s = TestServer.start(Map.of("AAMI_METRICS_MAX_AGE", "1h"))) {
            Fixtures.enroll(s.api(), "zipped", null);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create(s.baseUrl() + "/metrics");
            HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(uri).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<String> plain = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            String text = new String(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(fleetPart(text)).isEqualTo(fleetPart(plain.body())).anyMatch(l -> l.contains("hostname=\"zipped\""));
            assertThat(plain.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        }
    }

    /** The lines a cached rendering holds (the server's own series move between two scrapes). */
    private static List<String> fleetPart(String body) {
        return body.lines().filter(l -> l.startsWith("aami_agent_") || l.startsWith("aami_check_stat") || l.startsWith("aami_db_up")).toList();
    }

    static long renders(String body) {
        return body.lines().filter(l -> l.startsWith("aami_fleet_renders_total ")).map(l -> (long) Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no aami_fleet_renders_total in\n" + body));
    }

    private static void post(Api api, EnrolledAgent a, String checkId, int seq, String status) {
        Api.Reply r = api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(Map.of("seq", seq,
                "check_id", checkId, "status", status, "exit_code", status.equals("ok") ? 0 : 2, "output", "", "truncated", false,
                "timed_out", false, "duration_ms", 5, "executed_at", Instant.now().toString()))), a.token());
        assertThat(r.status()).as(r.toString()).isLessThan(300);
    }
}
