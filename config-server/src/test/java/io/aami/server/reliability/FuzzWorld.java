package io.aami.server.reliability;

import static io.aami.server.testing.TestServer.ADMIN;

import io.aami.server.http.Access;
import io.aami.server.http.RouteTable;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TlsTestClients;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the fuzzer's requests refer to, made once on a real server: an enrolled agent with a check and a probe
 * for the agent routes, and for each route that changes one named object a victim of its own (a target to
 * revoke, a user to disable), so no route's fuzzing takes away what another needs. Each JSON route of the
 * route table (every POST and PUT outside the console's pages) has a valid body here, its seed; a route
 * added without one fails {@link #seedFor}.
 */
final class FuzzWorld {
    /** One route made concrete: the path with its id, a valid body and who sends it. */
    record Target(RouteTable.Route route, String path, Object seed, String bearer) {
        /** Writes behind (answers before storing): wait for the flush before comparing the database. */
        boolean writesBehind() {
            return route.path().endsWith("/heartbeat");
        }

        /** Refused logins are counted in login_failures by design (the per-address and per-name limits). */
        boolean countsFailures() {
            return route.path().startsWith("/api/v1/login/");
        }
    }

    private final Map<String, String> vars = new HashMap<>();
    private final Map<String, Target> targets = new TreeMap<>();
    /** Real ids a generated body may put anywhere: never the agent's or the users' the credentials belong to. */
    private final List<String> ids;

    FuzzWorld(Api api, List<RouteTable.Route> routes) {
        String group = Fixtures.group(api, "fuzz");
        String group2 = Fixtures.group(api, "fuzz-2");
        Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "fuzz-agent", group);
        vars.put("{group}", group);
        vars.put("{group2}", group2);
        vars.put("{victim_group}", Fixtures.group(api, "fuzz-victim"));
        vars.put("{agent}", agent.id().toString());
        vars.put("{check}", Fixtures.createCheck(api, Fixtures.check("fuzz-check", "echo ok", 60, Map.of("group_id", group))));
        vars.put("{victim_check}", Fixtures.createCheck(api, Fixtures.check("fuzz-victim", "echo ok", 60, Map.of("global", true))));
        vars.put("{probe}", probe(api, "fuzz-probe"));
        vars.put("{victim_probe}", probe(api, "fuzz-victim-probe"));
        for (String victim : List.of("{victim_target}", "{revoked_target}", "{bulk1}", "{bulk2}")) {
            vars.put(victim, Fixtures.enroll(api, "fuzz-" + victim.replaceAll("[{}]", ""), group2).id().toString());
        }
        vars.put("{bootstrap}", Fixtures.bootstrapToken(api, 100_000, Map.of()));
        vars.put("{victim_user}", Fixtures.user(api, "fuzz-victim", "operator"));
        Fixtures.user(api, "fuzz-login", "viewer");
        Fixtures.user(api, "fuzz-me", "admin");
        vars.put("{now}", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        vars.put("{epoch}", UUID.randomUUID().toString());
        vars.put("{password}", Fixtures.PASSWORD);
        ids = List.of(group, group2, vars.get("{victim_group}"), vars.get("{check}"), vars.get("{victim_check}"), vars.get("{probe}"),
                vars.get("{victim_probe}"), vars.get("{victim_target}"), vars.get("{revoked_target}"), vars.get("{bulk1}"),
                vars.get("{bulk2}"), vars.get("{victim_user}"));
        String userToken = Fixtures.userToken(api, "fuzz-me", Map.of());
        String csr = TlsTestClients.csr(TlsTestClients.newKey(), agent.id());
        for (RouteTable.Route r : routes) {
            if (takesJson(r)) {
                targets.put(r.method() + " " + r.path(), target(r, agent.token(), userToken, csr));
            }
        }
    }

    /** Every POST and PUT of the API (the console's pages take no JSON). */
    static boolean takesJson(RouteTable.Route r) {
        return (r.method().equals("POST") || r.method().equals("PUT")) && !r.path().startsWith("/ui");
    }

    List<Target> targets() {
        return List.copyOf(targets.values());
    }

    List<String> ids() {
        return ids;
    }

    private Target target(RouteTable.Route r, String agentToken, String userToken, String csr) {
        String[] seed = seedFor(r);
        String path = seed[0] == null ? r.path() : r.path().replace("{id}", vars.get(seed[0]));
        String body = seed[1].replace("{csr}", csr.replace("\n", "\\n"));
        for (Map.Entry<String, String> v : vars.entrySet()) {
            body = body.replace(v.getKey(), v.getValue());
        }
        String bearer = switch (r.access()) {
            case AGENT -> agentToken;
            case ENROLL, PUBLIC, HEALTH -> null;
            default -> r.path().startsWith("/api/v1/me/") ? userToken : ADMIN;
        };
        try {
            return new Target(r, path, Json.fromJackson(Api.mapper().readTree(body)), bearer);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("seed of " + r + " is not JSON: " + body, e);
        }
    }

    private static final String CHECK = "{\"name\":\"c\",\"description\":\"d\",\"interpreter\":\"sh\",\"script\":\"echo ok\",\"args\":[\"a\"],"
            + "\"env\":{\"A\":\"1\"},\"interval_seconds\":60,\"timeout_seconds\":10,\"group_id\":\"{group}\",\"labels\":{\"k\":\"v\"},\"enabled\":true}";
    private static final String PROBE = "{\"name\":\"p\",\"description\":\"d\",\"target\":\"example.com\",\"target_port\":443,"
            + "\"protocol\":\"TCP\",\"timeout_ms\":500,\"interval_seconds\":10,\"group_id\":\"{group}\",\"labels\":{\"k\":\"v\"},\"enabled\":true}";
    private static final String TARGET = "{\"hostname\":\"h\",\"group_id\":\"{group}\",\"labels\":{\"k\":\"v\"}}";
    private static final String GROUP = "{\"name\":\"g\",\"description\":\"d\",\"labels\":{\"k\":\"v\"}}";

    /** The variable naming the route's {id} (null when it has none) and its valid body. */
    private static String[] seedFor(RouteTable.Route r) {
        String[] seed = switch (r.method() + " " + r.path()) {
            case "POST /api/v1/agents/{id}/certificate" -> new String[] {"{agent}", "{\"csr\":\"{csr}\"}"};
            case "POST /api/v1/agents/{id}/check-results" -> new String[] {"{agent}", "{\"stream_epoch\":\"{epoch}\",\"results\":[{\"seq\":1,"
                    + "\"check_id\":\"{check}\",\"status\":\"ok\",\"exit_code\":0,\"output\":\"fine\",\"truncated\":false,\"timed_out\":false,"
                    + "\"duration_ms\":1,\"executed_at\":\"{now}\"}]}"};
            case "POST /api/v1/agents/{id}/heartbeat" -> new String[] {"{agent}", "{\"agent_version\":\"1.0.0\",\"uptime_seconds\":5,"
                    + "\"policy_version\":1,\"queue_depth\":0,\"policy_error\":\"none\",\"local_api\":{\"host\":\"127.0.0.1\",\"port\":9100},"
                    + "\"spool_dropped\":0}"};
            case "POST /api/v1/agents/{id}/probe-results" -> new String[] {"{agent}", "{\"stream_epoch\":\"{epoch}\",\"results\":[{\"seq\":1,"
                    + "\"probe_id\":\"{probe}\",\"destination_target_id\":\"{agent}\",\"target\":\"example.com\",\"target_ip\":\"192.0.2.1\","
                    + "\"target_port\":443,\"protocol\":\"TCP\",\"source_ip\":\"127.0.0.1\",\"source_port\":40000,\"success\":true,"
                    + "\"reason\":\"ok\",\"dns_ms\":1.0,\"connect_ms\":1.0,\"total_ms\":1.5,\"executed_at\":\"{now}\"}]}"};
            case "POST /api/v1/agents/{id}/discovery" -> new String[] {"{agent}", "{\"stream_epoch\":\"{epoch}\",\"results\":[{\"seq\":1,"
                    + "\"kind\":\"full\",\"scanned_at\":\"{now}\",\"partial\":false,\"truncated\":false,"
                    + "\"state_totals\":{\"ESTABLISHED\":2},\"services\":[{\"protocol\":\"tcp\",\"bind\":\"0.0.0.0\",\"port\":8080,"
                    + "\"process\":\"app\",\"count\":1}],\"edges\":[{\"direction\":\"upstream\",\"protocol\":\"tcp\",\"process\":\"app\","
                    + "\"port\":5432,\"remote_address\":\"10.9.0.2\",\"count\":2}],\"states\":[{\"state\":\"ESTABLISHED\",\"process\":\"app\","
                    + "\"container\":\"\",\"local_port\":0,\"remote_address\":\"10.9.0.2\",\"remote_port\":5432,\"count\":2}]}]}"};
            case "POST /api/v1/bootstrap-tokens" -> new String[] {null, "{\"name\":\"t\",\"group_id\":\"{group}\",\"max_uses\":5,"
                    + "\"ttl_seconds\":3600,\"labels\":{\"env\":\"prod\"},\"allowed_cidrs\":[\"127.0.0.0/8\"]}"};
            case "POST /api/v1/bootstrap-tokens/register" -> new String[] {null, "{\"token\":\"{bootstrap}\",\"hostname\":\"fuzz-host\","
                    + "\"ip_address\":\"127.0.0.1\",\"group_id\":\"{group}\",\"labels\":{\"env\":\"prod\"},\"metadata\":{\"os\":\"linux\"}}"};
            case "POST /api/v1/checks" -> new String[] {null, CHECK};
            case "PUT /api/v1/checks/{id}" -> new String[] {"{victim_check}", CHECK};
            case "PUT /api/v1/checks/{id}/enabled", "PUT /api/v1/probes/{id}/enabled" ->
                    new String[] {r.path().contains("checks") ? "{victim_check}" : "{victim_probe}", "{\"enabled\":false}"};
            case "POST /api/v1/groups" -> new String[] {null, GROUP};
            case "PUT /api/v1/groups/{id}" -> new String[] {"{victim_group}", GROUP};
            case "POST /api/v1/login/session" -> new String[] {null, "{\"user\":\"fuzz-login\",\"password\":\"{password}\"}"};
            case "POST /api/v1/login/tokens" -> new String[] {null, "{\"user\":\"fuzz-login\",\"password\":\"{password}\",\"name\":\"t\","
                    + "\"ttl_seconds\":3600}"};
            case "POST /api/v1/me/tokens" -> new String[] {null, "{\"name\":\"t\",\"ttl_seconds\":3600}"};
            case "POST /api/v1/probes" -> new String[] {null, PROBE};
            case "PUT /api/v1/probes/{id}" -> new String[] {"{victim_probe}", PROBE};
            case "POST /api/v1/targets" -> new String[] {null, TARGET};
            case "POST /api/v1/targets/bulk" -> new String[] {null, "{\"action\":\"move\",\"target_ids\":[\"{bulk1}\",\"{bulk2}\"],"
                    + "\"group_id\":\"{group}\"}"};
            case "PUT /api/v1/targets/{id}" -> new String[] {"{victim_target}", TARGET};
            case "POST /api/v1/targets/{id}/revoke" -> new String[] {"{revoked_target}", "{}"};
            case "POST /api/v1/users" -> new String[] {null, "{\"name\":\"u\",\"role\":\"viewer\",\"password\":\"{password}\"}"};
            case "PUT /api/v1/users/{id}" -> new String[] {"{victim_user}", "{\"role\":\"viewer\",\"disabled\":false}"};
            case "PUT /api/v1/users/{id}/password" -> new String[] {"{victim_user}", "{\"password\":\"another {password}\","
                    + "\"revoke_tokens\":false}"};
            default -> null;
        };
        return Objects.requireNonNull(seed, () -> "the fuzzer has no valid body for " + r + ": add one to FuzzWorld.seedFor");
    }

    private static String probe(Api api, String name) {
        Api.Reply r = api.post("/api/v1/probes", Map.of("name", name, "target", "example.com", "target_port", 443, "protocol", "TCP",
                "timeout_ms", 500, "interval_seconds", 10, "global", true), ADMIN);
        if (r.status() != 201) {
            throw new IllegalStateException("probe not created: " + r);
        }
        return r.json().get("id").asText();
    }

}
