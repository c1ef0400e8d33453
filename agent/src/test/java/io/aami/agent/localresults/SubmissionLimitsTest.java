package io.aami.agent.localresults;

import io.aami.agent.testing.Scrapes;
import static io.aami.agent.localresults.CheckResultRouteTest.DISK;
import static io.aami.agent.localresults.CheckResultRouteTest.JSON;
import static io.aami.agent.localresults.CheckResultRouteTest.LOAD;
import static io.aami.agent.localresults.CheckResultRouteTest.encoders;
import static io.aami.agent.localresults.CheckResultRouteTest.result;
import static io.aami.agent.localresults.CheckResultRouteTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.agent.api.LocalApi;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.spool.FsyncPolicy;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolMetrics;
import io.aami.agent.spool.SpoolOptions;
import io.aami.agent.spool.SpoolRecord;
import io.aami.agent.testing.MovableClock;
import io.aami.contract.results.CheckResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What bounds the results local programs post, over a real socket into a real spool on disk: their share
 * of the spool (never the agent's own results' place), the output cut of {@code checks.output_max_bytes},
 * the bytes-a-second budget, and a spent budget refusing before the body is read.
 */
class SubmissionLimitsTest {
    @TempDir
    Path dir;
    final PrometheusRegistry registry = new PrometheusRegistry();
    final SubmissionMetrics submissions = new SubmissionMetrics(registry);
    final SpoolMetrics spoolMetrics = new SpoolMetrics(registry);
    final KnownChecks known = new KnownChecks();
    final MovableClock clock = new MovableClock(Instant.now());
    ResultSpool spool;
    LocalApi api;

    @BeforeEach
    void policy() {
        known.apply(List.of(spec(DISK, "disk-space"), spec(LOAD, "load")));
    }

    @AfterEach
    void stop() {
        api.close();
        spool.close();
    }

    /** A spool of {@code spoolMax} bytes in 64 KiB segments and the route into it, as the agent wires them. */
    void start(long spoolMax, int outputMaxBytes) {
        spool = ResultSpool.open(dir.resolve("checks"), new SpoolOptions(spoolMax, 64 * 1024, FsyncPolicy.NEVER,
                Duration.ofSeconds(1)), Clock.systemUTC(), spoolMetrics.forStream("checks"));
        CheckResultRoute route = new CheckResultRoute(new SubmittedResults(known, Clock.systemUTC(), outputMaxBytes),
                runs -> spool.appendSubmitted(encoders(runs), CheckResultRoute.share(spoolMax)), spoolMax, submissions,
                new SubmissionBudget(clock));
        api = LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, null), JSON, route.routes(), Executors.newFixedThreadPool(2));
    }

    /** Sends only the head of a POST declaring {@code length} bytes and returns what the agent answers within 10 s. */
    private String headOnly(int length) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /check-results HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = socket.getInputStream().read(buffer); n > 0; n = socket.getInputStream().read(buffer)) {
                    got.write(buffer, 0, n);
                    if (got.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // No answer while the body was still to come: returned as is, and the caller's assertion says so.
            }
            return got.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    HttpResponse<String> post(Object body) throws Exception {
        return CheckResultRouteTest.post(api, body instanceof String s ? s : JSON.writeValueAsString(body), null, "application/json");
    }

    static Map<String, Object> withOutput(String output) {
        Map<String, Object> r = result("load", "ok", 0, Instant.now());
        r.put("output", output);
        return r;
    }

    String metrics() throws Exception {
        return Scrapes.text(registry);
    }

    @Test
    void submittedResultsStopAtTheirShareOfTheSpoolAndNeverPushOutTheAgentsOwn() throws Exception {
        long spoolMax = 1024 * 1024;
        start(spoolMax, 4096);
        for (int i = 0; i < 100; i++) { // the agent's own: 400 KiB of a 1 MiB spool
            spool.append(seq -> new byte[4096]);
        }
        List<Map<String, Object>> batch = Collections.nCopies(10, withOutput("x".repeat(3000)));
        HttpResponse<String> r = post(Map.of("results", batch));
        int accepted = 0;
        while (r.statusCode() == 202 && accepted < 1000) {
            accepted += batch.size();
            r = post(Map.of("results", batch));
        }

        assertThat(r.statusCode()).as(r.body()).isEqualTo(507);
        assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("SPOOL_SHARE_FULL");
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("1/4").contains("Nothing was spooled");
        assertThat(r.headers().firstValue("Retry-After")).contains("60");
        long share = CheckResultRoute.share(spoolMax);
        assertThat(spool.stats().submittedBytes()).isLessThanOrEqualTo(share).isGreaterThan(share - 10 * 3400);
        assertThat(accepted).as("the share held that many").isGreaterThan(60);
        assertThat(spool.stats().droppedRecords()).as("none of the agent's own results was pushed out").isZero();
        assertThat(spool.stats().pendingRecords()).isEqualTo(100 + accepted);
        assertThat(spool.peek(100)).extracting(SpoolRecord::seq).as("the agent's own, first")
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
        assertThat(metrics()).contains("aami_agent_check_results_refused_total{reason=\"spool_share\"} 1.0")
                .contains("aami_agent_spool_submitted_bytes{stream=\"checks\"} " + (double) spool.stats().submittedBytes());

        spool.append(seq -> new byte[4096]);
        assertThat(spool.stats().droppedRecords()).as("the agent's own still go in").isZero();
    }

    @Test
    void outputsAreCutToOutputMaxBytesLikeTheAgentsOwnRuns() throws Exception {
        start(16 * 1024 * 1024, 300);
        String fits = "é".repeat(150);
        HttpResponse<String> r = post(Map.of("results", List.of(withOutput("é".repeat(200)), withOutput("a".repeat(299) + "€ more"),
                withOutput(fits))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        List<CheckResult> spooled = new ArrayList<>();
        for (SpoolRecord rec : spool.peek(10)) {
            spooled.add(JSON.readValue(rec.payload(), CheckResult.class));
        }
        assertThat(spooled.get(0).output()).isEqualTo("é".repeat(150));
        assertThat(spooled.get(0).truncated()).isTrue();
        assertThat(spooled.get(1).output()).as("never half a character").isEqualTo("a".repeat(299));
        assertThat(spooled.get(1).truncated()).isTrue();
        assertThat(spooled.get(2).output()).isEqualTo(fits);
        assertThat(spooled.get(2).truncated()).as("300 bytes fit").isFalse();
    }

    @Test
    void largeOutputsAreBoundInBytesASecondNotOnlyInResults() throws Exception {
        start(64L * 1024 * 1024, 1024 * 1024);
        List<Map<String, Object>> batch = Collections.nCopies(15, withOutput("z".repeat(64_000)));
        long cost = 15L * (64_000 + SubmissionBudget.RESULT_OVERHEAD_BYTES);
        long fit = SubmissionBudget.BYTE_BURST / cost;
        for (int i = 0; i < fit; i++) {
            HttpResponse<String> ok = post(Map.of("results", batch));
            assertThat(ok.statusCode()).as("batch %d: %s", i, ok.body()).isEqualTo(202);
        }
        HttpResponse<String> r = post(Map.of("results", batch));

        assertThat(fit * 15).as("far fewer results than the results budget").isLessThan(SubmissionBudget.BURST / 2);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("RATE_LIMITED");
        long missing = (fit + 1) * cost - SubmissionBudget.BYTE_BURST;
        long wait = (missing + SubmissionBudget.BYTES_PER_SECOND - 1) / SubmissionBudget.BYTES_PER_SECOND;
        assertThat(r.headers().firstValue("Retry-After")).contains(Long.toString(wait));
        assertThat(metrics()).contains("aami_agent_check_results_refused_total{reason=\"byte_rate_limited\"} 1.0");
        assertThat(spool.stats().pendingRecords()).isEqualTo(fit * 15);

        clock.advance(Duration.ofSeconds(wait));
        assertThat(post(Map.of("results", batch)).statusCode()).as("after Retry-After").isEqualTo(202);
    }

    @Test
    void aSpentBudgetRefusesBeforeTheBodyIsRead() throws Exception {
        start(16 * 1024 * 1024, 4096);
        List<Map<String, Object>> burst = Collections.nCopies(SubmissionBudget.BURST, withOutput("o"));
        assertThat(post(Map.of("results", burst)).statusCode()).isEqualTo(202);

        // Only the head of a 2 MiB request is sent (were the body read, it would be a 413): the answer comes
        // while the body is still to come, so the route cannot have waited for it. (A body sent and left unread
        // makes the closing socket reset, and a client can lose the answer: this asks without that race.)
        String answer = headOnly(2 * 1024 * 1024);

        assertThat(answer).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: 1\r\n");
        assertThat(metrics()).contains("aami_agent_check_results_refused_total{reason=\"rate_limited\"} 1.0")
                .contains("aami_agent_check_results_refused_total{reason=\"invalid\"} 0.0");
    }
}
