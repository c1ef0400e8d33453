package io.aami.server.policy;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.TestDatabase;
import io.aami.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The policy pull: effective set, versions, ETag, long poll within and across replicas. */
class PolicyPullTest {
    static TestServer server;
    static TestServer replica;
    static Api api;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("AAMI_HEARTBEAT_FLUSH_INTERVAL", "50ms"));
        replica = TestServer.start(Map.of(), server.database(), Clock.systemUTC());
        api = server.api();
    }

    @AfterAll
    static void stop() {
        replica.close();
        server.close();
    }

    static Api.Reply pull(Api via, EnrolledAgent a, String etag, String wait) {
        String path = "/api/v1/checks/target/" + a.id() + (wait == null ? "" : "?wait=" + wait);
        return etag == null ? via.get(path, a.token()) : via.send("GET", path, null, a.token(), "If-None-Match", etag);
    }

    @Test
    void effectiveSetIsGlobalPlusGroupPlusOwnWithTargetOverridingByName() {
        String web = Fixtures.group(api, "web");
        String other = Fixtures.group(api, "other");
        EnrolledAgent a = Fixtures.enroll(api, "web-1", web);
        Fixtures.createCheck(api, check("everywhere", "echo global", 60, Map.of("global", true)));
        Fixtures.createCheck(api, check("disk", "echo group-disk", 60, Map.of("group_id", web)));
        Fixtures.createCheck(api, check("not-mine", "echo no", 60, Map.of("group_id", other)));
        Fixtures.createCheck(api, check("disk", "echo own-disk", 30, Map.of("target_id", a.id().toString())));
        Map<String, Object> disabled = new HashMap<>(check("off", "echo off", 60, Map.of("group_id", web)));
        disabled.put("enabled", false);
        Fixtures.createCheck(api, disabled);

        JsonNode bundle = pull(api, a, null, null).json();
        assertThat(bundle.get("target_id").asText()).isEqualTo(a.id().toString());
        assertThat(bundle.get("checks").findValuesAsText("name")).containsExactlyInAnyOrder("everywhere", "disk");
        JsonNode disk = bundle.get("checks").get(0).get("name").asText().equals("disk") ? bundle.get("checks").get(0) : bundle.get("checks").get(1);
        assertThat(disk.get("script").asText()).isEqualTo("echo own-disk");
        assertThat(disk.get("interval_seconds").asInt()).isEqualTo(30);
        assertThat(disk.get("script_sha256").asText()).hasSize(64);
        assertThat(bundle.get("probes").isArray()).isTrue();
    }

    @Test
    void versionChangesOnlyWithContentAndEtagGives304() {
        String g = Fixtures.group(api, "etag");
        EnrolledAgent a = Fixtures.enroll(api, "e-1", g);
        Api.Reply first = pull(api, a, null, null);
        long v1 = first.json().get("version").asLong();
        assertThat(first.header("ETag")).contains("\"" + v1 + "\"");
        assertThat(pull(api, a, "\"" + v1 + "\"", null).status()).isEqualTo(304);
        assertThat(pull(api, a, null, null).json().get("version").asLong()).isEqualTo(v1);

        // Caches follow the change feed, a few milliseconds behind the commit: ask as an agent does, with a wait.
        String id = Fixtures.createCheck(api, check("new", "true", 10, Map.of("group_id", g)));
        Api.Reply second = pull(api, a, "\"" + v1 + "\"", "5s");
        assertThat(second.status()).isEqualTo(200);
        long v2 = second.json().get("version").asLong();
        assertThat(v2).isGreaterThan(v1);
        api.delete("/api/v1/checks/" + id, ADMIN);
        long v3 = pull(api, a, "\"" + v2 + "\"", "5s").json().get("version").asLong();
        assertThat(v3).isGreaterThan(v2);
    }

    @Test
    void anAgentAheadOfThisReplicasCacheGetsTodaysContentAtAVersionAboveItsOwn() throws Exception {
        String g = Fixtures.group(api, "ahead");
        EnrolledAgent a = Fixtures.enroll(api, "ahead-1", g);
        long v1 = pull(api, a, null, null).json().get("version").asLong();
        // A raced recompute (another replica's, or one that read its content before a change and drew its version after)
        // moved the row on to v1 + 1 for content that is not the target's, and the agent accepted it; this replica's
        // cache still holds v1, which the agent would refuse as a rollback.
        TestDatabase.Coordinates db = server.database();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE target_policies SET version = nextval('policy_version_seq'), content_sha256 = 'stale' "
                    + "WHERE target_id = '" + a.id() + "'")).isEqualTo(1);
        }
        long held;
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM target_policies WHERE target_id = '" + a.id() + "'")) {
            rs.next();
            held = rs.getLong(1);
        }

        Api.Reply r = pull(api, a, "\"" + held + "\"", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("version").asLong()).isGreaterThan(held);
        assertThat(pull(api, a, "\"" + r.json().get("version").asLong() + "\"", null).status()).isEqualTo(304);
    }

    @Test
    void aBundleLargerThanEveryResponseBufferArrivesWholeWhetherAnsweredAtOnceOrAfterALongPoll() throws Exception {
        // 60 KiB of script: several of Javalin's per-response copy buffers (ApiServer.RESULT_COPY_BUFFER) and more than
        // Jetty's 32 KiB output buffer, so the answer is copied and written in pieces on both paths.
        String g = Fixtures.group(api, "large");
        EnrolledAgent a = Fixtures.enroll(api, "large-1", g);
        long v = pull(api, a, null, null).json().get("version").asLong();
        StringBuilder script = new StringBuilder();
        for (int line = 0; script.length() < 60 * 1024; line++) {
            script.append("echo line-").append(line).append('\n');
        }
        CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(() -> pull(api, a, "\"" + v + "\"", "30s"));
        Thread.sleep(300);
        Fixtures.createCheck(api, check("large", script.toString(), 60, Map.of("group_id", g)));

        for (Api.Reply reply : new Api.Reply[] {waiting.get(10, TimeUnit.SECONDS), pull(api, a, "\"" + v + "\"", null)}) {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.json().get("checks").get(0).get("script").asText()).isEqualTo(script.toString());
            reply.header("Content-Length").ifPresent(length ->
                    assertThat(Integer.parseInt(length)).isEqualTo(reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }
    }

    @Test
    void longPollWakesWithinASecondOnThisReplicaAndAnother() throws Exception {
        String g = Fixtures.group(api, "poll");
        EnrolledAgent a = Fixtures.enroll(api, "p-1", g);
        for (Api changeVia : new Api[] {api, replica.api()}) {
            long v = pull(api, a, null, null).json().get("version").asLong();
            CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(() -> pull(api, a, "\"" + v + "\"", "30s"));
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            long changedAt = System.nanoTime();
            Fixtures.createCheck(changeVia, check("woke-" + v, "true", 10, Map.of("group_id", g)));
            Api.Reply woke = waiting.get(5, TimeUnit.SECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - changedAt);
            assertThat(woke.status()).isEqualTo(200);
            assertThat(woke.json().get("version").asLong()).isGreaterThan(v);
            assertThat(latency).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void longPollAnswers304AtTheDeadlineAndUnrelatedChangesDoNotWakeIt() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "quiet", Fixtures.group(api, "quiet"));
        String elsewhere = Fixtures.group(api, "elsewhere");
        long v = pull(api, a, null, null).json().get("version").asLong();
        long t0 = System.nanoTime();
        CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(() -> pull(api, a, "\"" + v + "\"", "2s"));
        Thread.sleep(300);
        Fixtures.createCheck(api, check("other-group", "true", 10, Map.of("group_id", elsewhere)));
        Api.Reply r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(304);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void heartbeatReportsTheAppliedVersionOnTheTarget() throws Exception {
        EnrolledAgent a = Fixtures.enroll(api, "rollout", null);
        long v = pull(api, a, null, null).json().get("version").asLong();
        api.post("/api/v1/agents/" + a.id() + "/heartbeat", Map.of("agent_version", "t", "policy_version", v), a.token());
        server.running().flushHeartbeats();
        assertThat(api.get("/api/v1/targets/" + a.id(), ADMIN).json().get("policy_version").asLong()).isEqualTo(v);
    }

    @Test
    void anAgentMayPullOnlyItsOwnPolicy() {
        EnrolledAgent a = Fixtures.enroll(api, "own-a", null);
        EnrolledAgent b = Fixtures.enroll(api, "own-b", null);
        assertThat(api.get("/api/v1/checks/target/" + b.id(), a.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/checks/target/" + a.id(), null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/checks/target/" + a.id() + "?wait=soon", a.token()).status()).isEqualTo(400);
    }
}
