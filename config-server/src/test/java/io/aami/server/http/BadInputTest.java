package io.aami.server.http;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input is always a 4xx naming the field, never a 500, and nothing is stored: NUL and lone
 * surrogates (PostgreSQL text cannot hold them), timestamps beyond what it stores, nulls where a
 * value is required and numbers beyond their type — on every route that takes input.
 */
class BadInputTest {
    private static final String NUL = "\\u0000";
    private static final String NOW = "\"2030-01-01T00:00:00Z\"";

    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    /** What the cases refer to, created once: {@code {group}}, {@code {agent}}, {@code {check}}, {@code {probe}}. */
    private static Map<String, String> world;
    private static String agentToken;

    private static synchronized Map<String, String> world() {
        if (world == null) {
            String group = Fixtures.group(api, "bad-input");
            Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "bad-input-host", group);
            agentToken = agent.token();
            String check = Fixtures.createCheck(api, Fixtures.check("c", "echo ok", 60, Map.of("group_id", group)));
            Api.Reply probe = api.post("/api/v1/probes", Map.of("name", "p", "target", "example.com", "target_port", 443,
                    "protocol", "TCP", "timeout_ms", 500, "interval_seconds", 10, "global", true), ADMIN);
            assertThat(probe.status()).as(probe.toString()).isEqualTo(201);
            world = Map.of("{group}", group, "{agent}", agent.id().toString(), "{check}", check,
                    "{probe}", probe.json().get("id").asText());
        }
        return world;
    }

    /** One bad request: who sends it, where, with what body, and the field the 400 must name. */
    record Case(String name, String method, String path, boolean asAgent, String body, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case admin(String name, String method, String path, String body, String field) {
        return new Case(name, method, path, false, body, field);
    }

    private static Case agent(String name, String method, String path, String body, String field) {
        return new Case(name, method, path, true, body, field);
    }

    private static String checkResult(String override) {
        return result(override, "\"seq\":1", "\"check_id\":\"{check}\"", "\"status\":\"ok\"", "\"output\":\"fine\"",
                "\"duration_ms\":1", "\"executed_at\":" + NOW);
    }

    private static String probeResult(String override) {
        return result(override, "\"seq\":1", "\"probe_id\":\"{probe}\"", "\"target\":\"example.com\"", "\"target_port\":443",
                "\"protocol\":\"TCP\"", "\"success\":true", "\"reason\":\"ok\"", "\"total_ms\":1.5", "\"executed_at\":" + NOW);
    }

    /** A one-result batch of {@code fields}, with {@code override} in place of the field of the same name. */
    private static String result(String override, String... fields) {
        String name = override.substring(0, override.indexOf(':') + 1);
        List<String> out = new ArrayList<>();
        boolean replaced = false;
        for (String f : fields) {
            if (f.startsWith(name)) {
                out.add(override);
                replaced = true;
            } else {
                out.add(f);
            }
        }
        if (!replaced) {
            out.add(override);
        }
        return "{\"results\":[{" + String.join(",", out) + "}]}";
    }

    static Stream<Case> cases() {
        String history = "/api/v1/targets/{agent}/check-results";
        String probeHistory = "/api/v1/targets/{agent}/probe-results";
        return Stream.of(
                admin("group name NUL", "POST", "/api/v1/groups", "{\"name\":\"g" + NUL + "\"}", "name"),
                admin("group label value NUL", "POST", "/api/v1/groups", "{\"name\":\"g\",\"labels\":{\"k\":\"v" + NUL + "\"}}", "labels.k"),
                admin("group label key NUL", "POST", "/api/v1/groups", "{\"name\":\"g\",\"labels\":{\"k" + NUL + "\":\"v\"}}", "labels.k\\u0000"),
                admin("group lone surrogate", "POST", "/api/v1/groups", "{\"name\":\"g\\ud800\"}", "name"),
                admin("group description NUL on update", "PUT", "/api/v1/groups/{group}", "{\"name\":\"g\",\"description\":\"" + NUL + "\"}", "description"),
                // Jetty refuses a NUL in the path itself, before any route: the JSON error, without a field.
                admin("group id NUL", "GET", "/api/v1/groups/%00", null, ""),
                admin("token name NUL", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t" + NUL + "\",\"max_uses\":1}", "name"),
                admin("token label NUL", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":1,\"labels\":{\"a\":\"" + NUL + "\"}}", "labels.a"),
                admin("token cidr NUL", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":1,\"allowed_cidrs\":[\"10.0.0.0/8" + NUL + "\"]}", "allowed_cidrs[0]"),
                admin("token expires in year 300000", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":1,\"expires_at\":\"+300000-01-01T00:00:00Z\"}", "expires_at"),
                admin("token expires before year 1", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":1,\"expires_at\":\"-999999999-01-01T00:00:00Z\"}", "expires_at"),
                admin("token expires as a huge number", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":1,\"expires_at\":1e300}", "expires_at"),
                admin("token max_uses beyond int", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":99999999999999999999}", "max_uses"),
                admin("token ttl beyond long", "POST", "/api/v1/bootstrap-tokens", "{\"name\":\"t\",\"max_uses\":1,\"ttl_seconds\":99999999999999999999999}", "ttl_seconds"),
                new Case("register hostname NUL", "POST", "/api/v1/bootstrap-tokens/register", false, "{\"token\":\"x\",\"hostname\":\"h" + NUL + "\"}", "hostname"),
                new Case("register metadata NUL", "POST", "/api/v1/bootstrap-tokens/register", false, "{\"token\":\"x\",\"hostname\":\"h\",\"metadata\":{\"os\":\"" + NUL + "\"}}", "metadata.os"),
                new Case("register label key NUL", "POST", "/api/v1/bootstrap-tokens/register", false, "{\"token\":\"x\",\"hostname\":\"h\",\"labels\":{\"" + NUL + "\":\"v\"}}", "labels.\\u0000"),
                admin("target hostname NUL", "PUT", "/api/v1/targets/{agent}", "{\"hostname\":\"h" + NUL + "\"}", "hostname"),
                admin("target label NUL", "PUT", "/api/v1/targets/{agent}", "{\"hostname\":\"h\",\"labels\":{\"a\":\"" + NUL + "\"}}", "labels.a"),
                admin("targets continue NUL", "GET", "/api/v1/targets?continue=%00", null, "continue"),
                admin("targets group NUL", "GET", "/api/v1/targets?group_id=%00", null, "group_id"),
                admin("targets status NUL", "GET", "/api/v1/targets?status=%00", null, "status"),
                admin("targets limit beyond int", "GET", "/api/v1/targets?limit=99999999999999999999", null, "limit"),
                admin("check name NUL", "POST", "/api/v1/checks", "{\"name\":\"c" + NUL + "\",\"interpreter\":\"sh\",\"script\":\"true\",\"interval_seconds\":60,\"global\":true}", "name"),
                admin("check script NUL", "POST", "/api/v1/checks", "{\"name\":\"c\",\"interpreter\":\"sh\",\"script\":\"true" + NUL + "\",\"interval_seconds\":60,\"global\":true}", "script"),
                admin("check arg NUL", "POST", "/api/v1/checks", "{\"name\":\"c\",\"interpreter\":\"sh\",\"script\":\"true\",\"args\":[\"a" + NUL + "\"],\"interval_seconds\":60,\"global\":true}", "args[0]"),
                admin("check env NUL", "POST", "/api/v1/checks", "{\"name\":\"c\",\"interpreter\":\"sh\",\"script\":\"true\",\"env\":{\"A\":\"" + NUL + "\"},\"interval_seconds\":60,\"global\":true}", "env.A"),
                admin("check label NUL on replace", "PUT", "/api/v1/checks/{check}", "{\"name\":\"c\",\"interpreter\":\"sh\",\"script\":\"true\",\"interval_seconds\":60,\"global\":true,\"labels\":{\"a\":\"" + NUL + "\"}}", "labels.a"),
                admin("check interval beyond int", "POST", "/api/v1/checks", "{\"name\":\"c\",\"interpreter\":\"sh\",\"script\":\"true\",\"interval_seconds\":1e40,\"global\":true}", "interval_seconds"),
                admin("probe target NUL", "POST", "/api/v1/probes", "{\"name\":\"p\",\"target\":\"h" + NUL + "\",\"target_port\":1,\"protocol\":\"TCP\",\"global\":true}", "target"),
                admin("probe payload NUL", "POST", "/api/v1/probes", "{\"name\":\"p\",\"target\":\"h\",\"target_port\":1,\"protocol\":\"UDP\",\"payload\":\"" + NUL + "\",\"global\":true}", "payload"),
                admin("probe description NUL on replace", "PUT", "/api/v1/probes/{probe}", "{\"name\":\"p\",\"target\":\"h\",\"target_port\":1,\"protocol\":\"TCP\",\"global\":true,\"description\":\"" + NUL + "\"}", "description"),
                agent("heartbeat version NUL", "POST", "/api/v1/agents/{agent}/heartbeat", "{\"agent_version\":\"1" + NUL + "\"}", "agent_version"),
                agent("heartbeat policy error NUL", "POST", "/api/v1/agents/{agent}/heartbeat", "{\"agent_version\":\"1\",\"policy_error\":\"" + NUL + "\"}", "policy_error"),
                agent("heartbeat uptime beyond long", "POST", "/api/v1/agents/{agent}/heartbeat", "{\"agent_version\":\"1\",\"uptime_seconds\":1e30}", "uptime_seconds"),
                agent("policy wait NUL", "GET", "/api/v1/checks/target/{agent}?wait=%00", null, "wait"),
                agent("check result output NUL", "POST", "/api/v1/agents/{agent}/check-results", checkResult("\"output\":\"o" + NUL + "\""), "results[0].output"),
                agent("check result status null", "POST", "/api/v1/agents/{agent}/check-results", checkResult("\"status\":null"), "results[0].status"),
                agent("check result executed in year 300000", "POST", "/api/v1/agents/{agent}/check-results", checkResult("\"executed_at\":\"+300000-01-01T00:00:00Z\""), "results[0].executed_at"),
                agent("check result executed before year 1", "POST", "/api/v1/agents/{agent}/check-results", checkResult("\"executed_at\":\"-0500-01-01T00:00:00Z\""), "results[0].executed_at"),
                agent("probe result reason null", "POST", "/api/v1/agents/{agent}/probe-results", probeResult("\"reason\":null"), "results[0].reason"),
                agent("probe result target NUL", "POST", "/api/v1/agents/{agent}/probe-results", probeResult("\"target\":\"h" + NUL + "\""), "results[0].target"),
                agent("probe result source ip NUL", "POST", "/api/v1/agents/{agent}/probe-results", probeResult("\"source_ip\":\"" + NUL + "\""), "results[0].source_ip"),
                agent("probe result protocol null", "POST", "/api/v1/agents/{agent}/probe-results", probeResult("\"protocol\":null"), "results[0].protocol"),
                agent("probe result executed in year 300000", "POST", "/api/v1/agents/{agent}/probe-results", probeResult("\"executed_at\":\"+300000-01-01T00:00:00Z\""), "results[0].executed_at"),
                admin("history since before year 1", "GET", history + "?since=-999999999-01-01T00:00:00Z", null, "since"),
                admin("history since in year 300000", "GET", history + "?since=%2B300000-01-01T00:00:00Z", null, "since"),
                admin("history since NUL", "GET", history + "?since=%00", null, "since"),
                admin("history continue far in the past", "GET", history + "?continue=-9223372036854775808:1", null, "continue"),
                admin("history continue NUL", "GET", history + "?continue=1:%00", null, "continue"),
                admin("history limit beyond int", "GET", history + "?limit=99999999999999999999", null, "limit"),
                admin("probe history since in year 300000", "GET", probeHistory + "?since=%2B300000-01-01T00:00:00Z", null, "since"),
                admin("probe history continue far in the future", "GET", probeHistory + "?continue=9223372036854775807:1", null, "continue"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isA400NamingTheFieldAndStoresNothing(Case c) {
        String path = c.path();
        String body = c.body();
        for (Map.Entry<String, String> e : world().entrySet()) {
            path = path.replace(e.getKey(), e.getValue());
            body = body == null ? null : body.replace(e.getKey(), e.getValue());
        }
        List<Integer> before = stored();
        Api.Reply r = api.send(c.method(), path, body, c.asAgent() ? agentToken : ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.header("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.json().get("code").asText()).isIn("VALIDATION_FAILED", "MALFORMED_JSON", "MALFORMED_REQUEST");
        assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo(c.field());
        assertThat(stored()).as("nothing stored").isEqualTo(before);
    }

    /** How many groups, tokens, targets, checks, probes and results there are. */
    private static List<Integer> stored() {
        String target = world().get("{agent}");
        List<Integer> counts = new ArrayList<>();
        for (String list : List.of("/api/v1/groups", "/api/v1/bootstrap-tokens", "/api/v1/targets", "/api/v1/checks", "/api/v1/probes",
                "/api/v1/targets/" + target + "/check-results", "/api/v1/targets/" + target + "/probe-results")) {
            Api.Reply r = api.get(list, ADMIN);
            assertThat(r.status()).as(list + " " + r).isEqualTo(200);
            counts.add(r.json().size());
        }
        return counts;
    }

    private static final List<String> NASTY = List.of("\"" + NUL + "\"", "\"a" + NUL + "b\"", "\"\\udc00\"", "\"\\ud83d\"",
            "null", "true", "-1", "0", "1e400", "-1e400", "99999999999999999999999", "1.5", "[]", "{}", "[\"" + NUL + "\"]",
            "{\"" + NUL + "\":1}", "\"+300000-01-01T00:00:00Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"\"", "\"" + "x".repeat(5000) + "\"",
            "\"9999-12-31T23:59:59.999999999Z\"", "\"0000-01-01T00:00:00Z\"", "\"not a uuid\"", "\"00000000-0000-0000-0000-000000000000\"");

    /** A few hundred seeded random mutations of valid bodies and queries on every input route: never a 5xx. */
    @Test
    void generatedBadInputIsNeverA5xx() {
        Random random = new Random(20261201L);
        List<Case> templates = cases().toList();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Case t = templates.get(random.nextInt(templates.size()));
            String path = t.path();
            String body = t.body();
            if (body != null) {
                body = mutate(body, random);
            } else if (path.contains("=")) {
                path = path.substring(0, path.indexOf('=') + 1) + java.net.URLEncoder.encode(
                        NASTY.get(random.nextInt(NASTY.size())).replace("\"", ""), java.nio.charset.StandardCharsets.UTF_8);
            }
            for (Map.Entry<String, String> e : world().entrySet()) {
                path = path.replace(e.getKey(), e.getValue());
                body = body == null ? null : body.replace(e.getKey(), e.getValue());
            }
            Api.Reply r;
            try {
                r = api.send(t.method(), path, body, t.asAgent() ? agentToken : ADMIN);
            } catch (RuntimeException e) {
                failures.add(t.method() + " " + path + " " + body + " -> " + e);
                continue;
            }
            if (r.status() >= 500 || !r.header("Content-Type").orElse("").startsWith("application/json")) {
                failures.add(t.method() + " " + path + " " + body + " -> " + r);
            }
        }
        assertThat(failures).isEmpty();
    }

    /** Replaces the value of one random field (each "key": value pair) with a nasty one. */
    private static String mutate(String body, Random random) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([a-z_]+)\":(\"[^\"]*\"|[^,}\\]\\[{]+|\\[[^\\]]*\\]|\\{[^}]*\\})")
                .matcher(body);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(2), m.end(2)});
        }
        if (spans.isEmpty()) {
            return body;
        }
        int[] s = spans.get(random.nextInt(spans.size()));
        return body.substring(0, s[0]) + NASTY.get(random.nextInt(NASTY.size())) + body.substring(s[1]);
    }
}
