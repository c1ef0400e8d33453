package io.aami.server.checks;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.Fixtures.EnrolledAgent;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Process and passive checks through the real HTTP API and database: validation naming the field, the round
 * trip, what the signed policy carries, and a passive check going stale without results like any other.
 */
class CheckKindsApiTest {
    static final MutableClock clock = MutableClock.startingNow();
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_METRICS_MAX_AGE", "0s",
            "AAMI_HEARTBEAT_SWEEP_INTERVAL", "1h"), clock);
    static final Api api = server.api();

    static Map<String, Object> processCheck(String name, Map<String, Object> process) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", "process", "interval_seconds", 30,
                "global", true));
        body.put("process", process);
        return body;
    }

    static Map<String, Object> sshd() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name_regex", "^sshd$");
        p.put("user", "root");
        p.put("min_count", 1);
        p.put("max_count", 4);
        p.put("max_rss_bytes", 1L << 32);
        return p;
    }

    static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> out = new HashMap<>(base);
        out.put(key, value);
        return out;
    }

    record Bad(String why, Map<String, Object> body, String field, String message) {
    }

    @Test
    void invalidKindsAndProcessMatchesAreA400NamingTheFieldAndNothingIsStored() {
        Map<String, Object> ok = sshd();
        Map<String, Object> unknownKey = with(ok, "max_cpu", 5);
        List<Bad> table = List.of(
                new Bad("unknown kind", with(processCheck("k1", ok), "kind", "http"), "kind", "must be one of"),
                new Bad("no match", processCheck("k2", null), "process", "is required"),
                new Bad("empty match", processCheck("k3", Map.of()), "process", "at least one of"),
                new Bad("unknown key", processCheck("k4", unknownKey), "process.max_cpu", "unknown key"),
                new Bad("bad regex", processCheck("k5", with(ok, "cmdline_regex", "([a-z")), "process.cmdline_regex",
                        "not a valid regular expression"),
                new Bad("long regex", processCheck("k6", with(ok, "exe_regex", "a".repeat(257))), "process.exe_regex",
                        "at most 256"),
                new Bad("regex not a string", processCheck("k7", with(ok, "name_regex", 5)), "process.name_regex",
                        "non-empty string"),
                new Bad("negative bound", processCheck("k8", with(ok, "max_threads", -1)), "process.max_threads",
                        "from 0"),
                new Bad("fractional bound", processCheck("k9", with(ok, "max_open_files", 1.5)), "process.max_open_files",
                        "whole number"),
                new Bad("min above max", processCheck("k10", with(ok, "min_count", 5)), "process.min_count",
                        "at most max_count (4)"),
                new Bad("bad user", processCheck("k11", with(ok, "user", "root; rm")), "process.user", "user name"),
                new Bad("script on a process check", with(processCheck("k12", ok), "script", "echo"), "script",
                        "a process check has none"),
                new Bad("interpreter on a passive check", Map.of("name", "k13", "kind", "passive", "interval_seconds", 60,
                        "global", true, "interpreter", "sh"), "interpreter", "a passive check has none"),
                new Bad("match on a passive check", Map.of("name", "k14", "kind", "passive", "interval_seconds", 60,
                        "global", true, "process", ok), "process", "only a process check"),
                new Bad("match on a script check", with(Fixtures.check("k15", "true", 60, Map.of("global", true)),
                        "process", ok), "process", "only a process check"),
                new Bad("timeout above interval", with(processCheck("k16", ok), "timeout_seconds", 31), "timeout_seconds",
                        "at most interval_seconds"));
        for (Bad bad : table) {
            Api.Reply r = api.post("/api/v1/checks", bad.body(), ADMIN);
            assertThat(r.status()).as(bad.why() + ": " + r).isEqualTo(400);
            assertThat(r.json().get("code").asText()).as(bad.why()).isEqualTo("VALIDATION_FAILED");
            assertThat(r.json().get("field").asText()).as(bad.why()).isEqualTo(bad.field());
            assertThat(r.json().get("error").asText()).as(bad.why()).contains(bad.message());
        }
        assertThat(api.get("/api/v1/checks", ADMIN).json().findValuesAsText("name")).noneMatch(n -> n.matches("k\\d+"));
    }

    @Test
    void aProcessAndAPassiveCheckRoundTripAndThePolicyCarriesThem() {
        EnrolledAgent a = Fixtures.enroll(api, "kinds-1", null);
        Map<String, Object> body = processCheck("sshd-up", sshd());
        body.remove("global");
        body.put("target_id", a.id().toString());
        Api.Reply created = api.post("/api/v1/checks", body, ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        JsonNode got = api.get("/api/v1/checks/" + id, ADMIN).json();
        assertThat(got.get("kind").asText()).isEqualTo("process");
        assertThat(got.get("process").get("name_regex").asText()).isEqualTo("^sshd$");
        assertThat(got.get("process").get("max_rss_bytes").asLong()).isEqualTo(1L << 32);
        assertThat(got.get("process").get("max_cpu_percent").isNull()).isTrue();
        assertThat(got.get("timeout_seconds").asInt()).as("defaults to the interval, at most 60").isEqualTo(30);
        assertThat(got.get("script").isNull()).isTrue();
        assertThat(got.get("execution_sha256").isNull()).isTrue();
        assertThat(api.get("/api/v1/checks?target_id=" + a.id(), ADMIN).json().get(0).get("kind").asText())
                .isEqualTo("process");

        Map<String, Object> changed = new HashMap<>(body);
        changed.put("process", with(sshd(), "max_count", 2));
        assertThat(api.put("/api/v1/checks/" + id, changed, ADMIN).json().get("process").get("max_count").asInt()).isEqualTo(2);
        JsonNode off = api.put("/api/v1/checks/" + id + "/enabled", Map.of("enabled", false), ADMIN).json();
        assertThat(off.get("kind").asText()).isEqualTo("process");
        assertThat(off.get("process").get("max_count").asInt()).isEqualTo(2);
        api.put("/api/v1/checks/" + id + "/enabled", Map.of("enabled", true), ADMIN);

        Fixtures.createCheck(api, Map.of("name", "nightly-backup", "kind", "passive", "interval_seconds", 86400,
                "timeout_seconds", 3600, "target_id", a.id().toString()));
        Fixtures.createCheck(api, Fixtures.check("disk", "df -h", 60, Map.of("target_id", a.id().toString())));
        JsonNode policy = api.get("/api/v1/checks/target/" + a.id(), a.token()).json();
        Map<String, JsonNode> byName = new HashMap<>();
        policy.get("checks").forEach(c -> byName.put(c.get("name").asText(), c));
        assertThat(byName.get("sshd-up").get("kind").asText()).isEqualTo("process");
        assertThat(byName.get("sshd-up").get("process").get("user").asText()).isEqualTo("root");
        assertThat(byName.get("sshd-up").get("script").isNull()).as("no script: an older agent refuses it").isTrue();
        assertThat(byName.get("nightly-backup").get("kind").asText()).isEqualTo("passive");
        assertThat(byName.get("nightly-backup").has("process")).isFalse();
        assertThat(byName.get("nightly-backup").get("interval_seconds").asInt()).isEqualTo(86400);
        assertThat(byName.get("disk").has("kind")).as("a script check keeps the form every agent reads").isFalse();
        assertThat(byName.get("disk").has("process")).isFalse();
    }

    @Test
    void aPassiveCheckIsStaleWithoutResultsAndFreshWithOne() {
        EnrolledAgent a = Fixtures.enroll(api, "passive-1", null);
        // 60 s interval, 30 s grace: stale 2 × 60 + 30 s after its result (the rule of every check).
        Fixtures.createCheck(api, Map.of("name", "backup", "kind", "passive", "interval_seconds", 60,
                "timeout_seconds", 30, "target_id", a.id().toString()));
        heartbeat(a);
        String series = "aami_check_stale{agent_id=\"" + a.id() + "\",check=\"backup\",group=\"\",hostname=\"passive-1\"}";
        assertThat(api.get("/metrics", null).body()).as("never reported").contains(series + " 1");
        assertThat(stale(a)).isTrue();

        Api.Reply posted = api.post("/api/v1/agents/" + a.id() + "/check-results", Map.of("results", List.of(Map.of(
                "check_id", "backup", "status", "ok", "exit_code", 0, "output", "backup done", "duration_ms", 5,
                "executed_at", clock.instant().toString()))), a.token());
        assertThat(posted.status()).as(posted.toString()).isEqualTo(200);
        assertThat(api.get("/metrics", null).body()).contains(series + " 0");
        assertThat(stale(a)).isFalse();

        clock.advance(Duration.ofSeconds(2 * 60 + 30 + 1));
        heartbeat(a);
        assertThat(api.get("/metrics", null).body()).as("no result within its interval plus grace").contains(series + " 1");
        assertThat(stale(a)).isTrue();
        assertThat(api.get("/api/v1/fleet/summary", ADMIN).json().get("stale").get("checks").asLong()).isPositive();
    }

    private static void heartbeat(EnrolledAgent a) {
        api.post("/api/v1/agents/" + a.id() + "/heartbeat", Map.of("agent_version", "t"), a.token());
        server.running().flushHeartbeats();
    }

    private static boolean stale(EnrolledAgent a) {
        return api.get("/api/v1/targets/" + a.id() + "/checks", ADMIN).json().get(0).get("stale").asBoolean();
    }

}
