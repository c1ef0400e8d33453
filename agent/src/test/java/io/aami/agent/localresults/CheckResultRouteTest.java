package io.aami.agent.localresults;

import io.aami.agent.testing.Scrapes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aami.agent.api.LocalApi;
import io.aami.agent.checks.CheckExecution;
import io.aami.agent.config.AgentConfig;
import io.aami.agent.spool.FsyncPolicy;
import io.aami.agent.spool.ResultSpool;
import io.aami.agent.spool.SpoolMetrics;
import io.aami.agent.spool.SpoolOptions;
import io.aami.agent.spool.SpoolRecord;
import io.aami.agent.testing.MovableClock;
import io.aami.common.json.WireJson;
import io.aami.contract.policy.CheckSpec;
import io.aami.contract.results.CheckResult;
import io.aami.contract.results.CheckResultRules;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /check-results} over a real socket into a real spool: the seed's body, id rules, refusals. */
class CheckResultRouteTest {
    static final String SEED_BODY = "{\"results\":[{\"check_id\":\"disk-space\",\"status\":\"critical\",\"exit_code\":2,"
            + "\"output\":\"Disk usage 95%\",\"duration_ms\":150,\"executed_at\":\"2024-01-15T10:30:00Z\"}]}";
    static final UUID DISK = UUID.randomUUID();
    static final UUID LOAD = UUID.randomUUID();
    static final ObjectMapper JSON = WireJson.mapper();

    @TempDir
    Path dir;
    final PrometheusRegistry registry = new PrometheusRegistry();
    final SubmissionMetrics submissions = new SubmissionMetrics(registry);
    ResultSpool spool;
    LocalApi api;
    final KnownChecks known = new KnownChecks();
    final MovableClock clock = new MovableClock(Instant.now());

    static final long SPOOL_MAX = 1 << 24;
    /** Larger than any output here, so only the tests about the cut meet it. */
    static final int OUTPUT_MAX = 1 << 20;

    @BeforeEach
    void start() {
        spool = ResultSpool.open(dir.resolve("checks"), new SpoolOptions(SPOOL_MAX, 1 << 20, FsyncPolicy.NEVER, Duration.ofSeconds(1)),
                Clock.systemUTC(), new SpoolMetrics(registry).forStream("checks"));
        known.apply(List.of(spec(DISK, "disk-space"), spec(LOAD, "load")));
        api = startApi(null);
    }

    @AfterEach
    void stop() {
        api.close();
        spool.close();
    }

    LocalApi startApi(String token) {
        return startApi(token, OUTPUT_MAX, spool, SPOOL_MAX);
    }

    /** The route as the agent wires it: into {@code into} as submitted results, within their share of {@code spoolMax}. */
    LocalApi startApi(String token, int outputMaxBytes, ResultSpool into, long spoolMax) {
        CheckResultRoute route = new CheckResultRoute(new SubmittedResults(known, Clock.systemUTC(), outputMaxBytes),
                runs -> into.appendSubmitted(encoders(runs), CheckResultRoute.share(spoolMax)), spoolMax, submissions,
                new SubmissionBudget(clock));
        return LocalApi.start(new AgentConfig.Api("127.0.0.1", 0, token), JSON, route.routes(), Executors.newFixedThreadPool(2));
    }

    static List<LongFunction<byte[]>> encoders(List<CheckExecution> runs) {
        return runs.stream().<LongFunction<byte[]>>map(e -> seq -> bytes(new CheckResult(seq, e.checkId().toString(),
                e.status(), e.exitCode(), e.output(), e.truncated(), e.timedOut(), e.durationMs(), e.executedAt()))).toList();
    }

    static CheckSpec spec(UUID id, String name) {
        return new CheckSpec(id, name, "sh", "true", null, List.of(), Map.of(), 60, 10, Map.of());
    }

    static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(LocalApi api, String body, String token, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/check-results"))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(Object body) throws Exception {
        return post(api, body instanceof String s ? s : JSON.writeValueAsString(body), null, "application/json");
    }

    List<CheckResult> spooled() throws Exception {
        List<CheckResult> out = new ArrayList<>();
        for (SpoolRecord r : spool.peek(10_000)) {
            out.add(JSON.readValue(r.payload(), CheckResult.class));
        }
        return out;
    }

    static Map<String, Object> result(String checkId, String status, Integer exitCode, Instant at) {
        Map<String, Object> r = new HashMap<>(Map.of("check_id", checkId, "status", status, "output", "o", "duration_ms", 1,
                "executed_at", at.toString()));
        if (exitCode != null) {
            r.put("exit_code", exitCode);
        }
        return r;
    }

    String metrics() throws Exception {
        return Scrapes.text(registry);
    }

    @Test
    void aPassiveChecksResultIsTakenByNameAndSpooledUnderItsId() throws Exception {
        UUID backup = UUID.randomUUID();
        known.apply(List.of(spec(DISK, "disk-space"), new CheckSpec(backup, "nightly-backup", null, null, null, List.of(),
                Map.of(), 86400, 60, Map.of(), "passive", null)));
        HttpResponse<String> r = post(Map.of("results", List.of(result("nightly-backup", "ok", 0, Instant.now()))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(spooled()).singleElement().satisfies(c -> assertThat(c.checkId()).isEqualTo(backup.toString()));
    }

    @Test
    void theSeedsBodyIsSpooledNumberedUnderTheChecksId() throws Exception {
        HttpResponse<String> r = post(SEED_BODY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode receipt = JSON.readTree(r.body());
        assertThat(receipt.get("accepted").asInt()).isEqualTo(1);
        assertThat(receipt.get("seqs").get(0).asLong()).isEqualTo(1);
        CheckResult spooled = spooled().get(0);
        assertThat(spooled.seq()).isEqualTo(1);
        assertThat(spooled.checkId()).isEqualTo(DISK.toString());
        assertThat(spooled.status()).isEqualTo("critical");
        assertThat(spooled.exitCode()).isEqualTo(2);
        assertThat(spooled.output()).isEqualTo("Disk usage 95%");
        assertThat(spooled.durationMs()).isEqualTo(150);
        assertThat(spooled.executedAt()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
        assertThat(metrics()).contains("aami_agent_check_results_submitted_total 1.0")
                .contains("aami_agent_check_results_refused_total{reason=\"invalid\"} 0.0");
    }

    @Test
    void aCheckIsNamedByIdOrByNameAndABatchIsSpooledInOrder() throws Exception {
        Instant now = Instant.now();
        HttpResponse<String> r = post(Map.of("results", List.of(result(LOAD.toString(), "ok", 0, now),
                result("disk-space", "warning", 1, now), result(LOAD.toString().toUpperCase(), "unknown", null, now))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).get("seqs").toString()).isEqualTo("[1,2,3]");
        assertThat(spooled()).extracting(CheckResult::checkId).containsExactly(LOAD.toString(), DISK.toString(), LOAD.toString());
    }

    @Test
    void anUnknownCheckIs404NamingItAndNothingIsSpooled() throws Exception {
        Instant now = Instant.now();
        UUID stranger = UUID.randomUUID();
        for (String ref : List.of("no-such-check", stranger.toString())) {
            HttpResponse<String> r = post(Map.of("results", List.of(result("disk-space", "ok", 0, now), result(ref, "ok", 0, now))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            JsonNode error = JSON.readTree(r.body());
            assertThat(error.get("field").asText()).isEqualTo("results[1].check_id");
            assertThat(error.get("error").asText()).contains("'" + ref + "'");
        }
        known.apply(List.of());
        HttpResponse<String> noPolicy = post(SEED_BODY);
        assertThat(noPolicy.statusCode()).isEqualTo(404);
        assertThat(noPolicy.body()).contains("no policy yet");
        assertThat(spooled()).isEmpty();
        assertThat(metrics()).contains("aami_agent_check_results_refused_total{reason=\"unknown_check\"} 3.0");
    }

    @Test
    void invalidBodiesAreRefusedNamingTheFieldAndSpoolNothing() throws Exception {
        Instant now = Instant.now();
        Map<String, Object> ok = result("disk-space", "ok", 0, now);
        Map<String, Object> withSeq = new HashMap<>(ok);
        withSeq.put("seq", 7);
        Map<String, Object> noTime = new HashMap<>(ok);
        noTime.remove("executed_at");
        Map<String, Object> noCheck = new HashMap<>(ok);
        noCheck.remove("check_id");
        Map<String, Object> negative = new HashMap<>(ok);
        negative.put("duration_ms", -5);
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i <= CheckResultRules.MAX_LOCAL_BATCH; i++) {
            tooMany.add(ok);
        }
        String future = now.plus(CheckResultRules.MAX_FUTURE_SKEW).plusSeconds(30).toString();
        record Case(String name, Object body, int status, String field) {
        }
        List<Case> cases = List.of(
                new Case("status disagrees with exit_code", Map.of("results", List.of(ok, result("disk-space", "ok", 2, now))), 400,
                        "results[1].status"),
                new Case("warning with exit 3", Map.of("results", List.of(result("disk-space", "warning", 3, now))), 400,
                        "results[0].status"),
                new Case("unknown status", Map.of("results", List.of(result("disk-space", "broken", null, now))), 400,
                        "results[0].status"),
                new Case("executed_at in the future", "{\"results\":[{\"check_id\":\"load\",\"status\":\"ok\",\"executed_at\":\""
                        + future + "\"}]}", 400, "results[0].executed_at"),
                new Case("no executed_at", Map.of("results", List.of(ok, noTime)), 400, "results[1].executed_at"),
                new Case("no check_id", Map.of("results", List.of(noCheck)), 400, "results[0].check_id"),
                new Case("check_id too long", Map.of("results", List.of(result("x".repeat(CheckResultRules.MAX_CHECK_REF_LENGTH + 1),
                        "ok", 0, now))), 400, "results[0].check_id"),
                new Case("negative duration", Map.of("results", List.of(negative)), 400, "results[0].duration_ms"),
                new Case("a seq", Map.of("results", List.of(ok, withSeq)), 400, "results[1].seq"),
                new Case("a stream_epoch", Map.of("stream_epoch", UUID.randomUUID().toString(), "results", List.of(ok)), 400,
                        "stream_epoch"),
                new Case("no results", Map.of("results", List.of()), 400, "results"),
                new Case("no results field", Map.of(), 400, "results"),
                new Case("a null result", "{\"results\":[null]}", 400, "results[0]"),
                new Case("too many results", Map.of("results", tooMany), 400, "results"),
                new Case("malformed JSON", "{\"results\":[", 400, null),
                new Case("JSON null", "null", 400, null),
                new Case("check_id an object", "{\"results\":[{\"check_id\":{},\"status\":\"ok\"}]}", 400, null),
                new Case("executed_at not a time", "{\"results\":[{\"check_id\":\"load\",\"status\":\"ok\",\"executed_at\":\"later\"}]}",
                        400, null),
                new Case("NUL in output", "{\"results\":[{\"check_id\":\"load\",\"status\":\"ok\",\"output\":\"a\\u0000b\","
                        + "\"executed_at\":\"" + now + "\"}]}", 400, "results[0].output"),
                new Case("lone surrogate in check_id", "{\"results\":[{\"check_id\":\"load\\ud800\",\"status\":\"ok\","
                        + "\"executed_at\":\"" + now + "\"}]}", 400, "results[0].check_id"),
                new Case("executed_at before the year 1", Map.of("results", List.of(result("load", "ok", 0,
                        Instant.parse("-0001-06-01T00:00:00Z")))), 400, "results[0].executed_at"),
                new Case("body too large", "{\"results\":[{\"output\":\"" + "x".repeat((int) CheckResultRules.MAX_LOCAL_BODY_BYTES)
                        + "\"}]}", 413, null));
        for (Case c : cases) {
            HttpResponse<String> r = post(c.body());
            assertThat(r.statusCode()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
            JsonNode error = JSON.readTree(r.body());
            assertThat(error.get("code").asText()).as(c.name()).isNotEmpty();
            if (c.field() != null) {
                assertThat(error.get("field").asText()).as(c.name()).isEqualTo(c.field());
            }
        }
        assertThat(spooled()).as("nothing of a refused batch is spooled").isEmpty();
        assertThat(post(api, SEED_BODY, null, "text/plain").statusCode()).isEqualTo(415);
        HttpResponse<String> withinSkew = post(Map.of("results", List.of(result("load", "ok", 0,
                now.plus(CheckResultRules.MAX_FUTURE_SKEW).minusSeconds(30)))));
        assertThat(withinSkew.statusCode()).as(withinSkew.body()).isEqualTo(202);
    }

    @Test
    void longOutputIsCutAndMarkedTruncatedNeverHalfwayThroughACharacter() throws Exception {
        Map<String, Object> r = result("load", "ok", 0, Instant.now());
        r.put("output", "y".repeat(CheckResultRules.MAX_OUTPUT_CHARS + 10));
        Map<String, Object> emoji = result("load", "ok", 0, Instant.now());
        emoji.put("output", "y".repeat(CheckResultRules.MAX_OUTPUT_CHARS - 1) + "\uD83D\uDE00 more");
        assertThat(post(Map.of("results", List.of(r, emoji))).statusCode()).isEqualTo(202);
        CheckResult spooled = spooled().get(0);
        assertThat(spooled.output()).hasSize(CheckResultRules.MAX_OUTPUT_CHARS);
        assertThat(spooled.truncated()).isTrue();
        assertThat(spooled().get(1).output()).as("the pair is dropped whole").hasSize(CheckResultRules.MAX_OUTPUT_CHARS - 1);
    }

    @Test
    void aTokenGuardsTheRouteLikeEveryOther() throws Exception {
        try (LocalApi guarded = startApi("s3cret")) {
            assertThat(post(guarded, SEED_BODY, null, "application/json").statusCode()).isEqualTo(401);
            assertThat(post(guarded, SEED_BODY, "wrong", "application/json").statusCode()).isEqualTo(401);
            assertThat(spooled()).isEmpty();
            assertThat(post(guarded, SEED_BODY, "s3cret", "application/json").statusCode()).isEqualTo(202);
            assertThat(spooled()).hasSize(1);
        }
    }

    @Test
    void aFloodIsRefusedWith429AndSpoolsNothingUntilTheBudgetRefills() throws Exception {
        List<Map<String, Object>> burst = new ArrayList<>();
        for (int i = 0; i < SubmissionBudget.BURST; i++) {
            burst.add(result("load", "ok", 0, Instant.now()));
        }
        assertThat(post(Map.of("results", burst)).statusCode()).isEqualTo(202);
        HttpResponse<String> flooded = post(SEED_BODY);
        assertThat(flooded.statusCode()).as(flooded.body()).isEqualTo(429);
        assertThat(JSON.readTree(flooded.body()).path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(flooded.headers().firstValue("Retry-After")).contains("1");
        assertThat(spooled()).hasSize(SubmissionBudget.BURST);

        clock.advance(Duration.ofSeconds(1));
        List<Map<String, Object>> second = new ArrayList<>(burst.subList(0, SubmissionBudget.PER_SECOND));
        assertThat(post(Map.of("results", second)).statusCode()).as("a second refills PER_SECOND results").isEqualTo(202);
        assertThat(post(SEED_BODY).statusCode()).isEqualTo(429);
        assertThat(spooled()).hasSize(SubmissionBudget.BURST + SubmissionBudget.PER_SECOND);
    }

    /** A batch the spool fails to write (500) is spooled none and costs nothing: the retry is taken in full. */
    @Test
    void aBatchTheSpoolFailsToWriteGivesItsBudgetBack() throws Exception {
        List<Map<String, Object>> burst = new ArrayList<>();
        for (int i = 0; i < SubmissionBudget.BURST; i++) {
            burst.add(result("load", "ok", 0, Instant.now()));
        }
        // The segment the batch would start cannot be created, as on a full or failing disk.
        Path obstacle = java.nio.file.Files.createDirectory(dir.resolve("checks").resolve(String.format("%020d.seg", 1)));

        HttpResponse<String> failed = post(Map.of("results", burst));
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        assertThat(spooled()).isEmpty();

        java.nio.file.Files.delete(obstacle);
        HttpResponse<String> retried = post(Map.of("results", burst));
        assertThat(retried.statusCode()).as("the failed batch took nothing from the budget: %s", retried.body()).isEqualTo(202);
        assertThat(spooled()).hasSize(SubmissionBudget.BURST);
    }
}
