package io.aami.server.audit;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.http.Access;
import io.aami.server.http.RouteTable;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import io.aami.server.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every writing route of the route table leaves exactly one audit row naming its caller, its object and the
 * states before and after; none leaves a secret in any row. Driven by the table: a new writing route without a
 * scenario here fails {@link #everyWritingRouteIsAuditedOnce}, and one whose service records nothing fails it too.
 */
class AuditRoutesTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static final String PASSWORD = Fixtures.PASSWORD;
    static final String NEW_PASSWORD = "purple monkey dishwasher 42";
    static final String SCRIPT = "#!/bin/sh\n# script-secret-4f1d9a\necho ok\n";
    static final String ENV_SECRET = "env-secret-9b2c77";
    /** Every secret the test sent or was shown; none may appear in any audit row. */
    static final List<String> secrets = new ArrayList<>(List.of(PASSWORD, NEW_PASSWORD, "script-secret-4f1d9a", ENV_SECRET, ADMIN,
            "argon2", "aami_u_"));

    record Caller(UUID id, String name, String token) {
    }

    static Caller viewer;
    static Caller operator;
    static Caller admin;

    /**
     * One route's request, and what its audit row must say (a null objectId: the "id" the answer names); sent by
     * {@code as} (null: the walk's caller of the route's role), who must be the row's actor.
     */
    record Call(String path, Object body, String action, String type, String objectId, boolean before, boolean after, Caller as,
                List<String> headers) {
        Call(String path, Object body, String action, String type, String objectId, boolean before, boolean after, Caller as) {
            this(path, body, action, type, objectId, before, after, as, List.of());
        }

        Call(String path, Object body, String action, String type, String objectId, boolean before, boolean after) {
            this(path, body, action, type, objectId, before, after, null);
        }
    }

    @BeforeAll
    static void users() {
        admin = withToken("audit-admin", "admin");
        operator = withToken("audit-operator", "operator");
        viewer = withToken("audit-viewer", "viewer");
    }

    @Test
    void everyWritingRouteIsAuditedOnce() {
        TestDatabase.Coordinates db = server.database();
        // Every writing route but the agents' own (enrollment, heartbeats, results: an agent's state, no administration).
        List<RouteTable.Route> writing = server.running().routes().stream()
                .filter(r -> !r.method().equals("GET") && !EnumSet.of(Access.ENROLL, Access.AGENT).contains(r.access()))
                .toList();
        Map<String, Supplier<Call>> scenarios = scenarios();
        assertThat(scenarios.keySet()).as("a scenario for every writing route of the table (add one for a new route)")
                .containsExactlyInAnyOrderElementsOf(writing.stream().map(AuditRoutesTest::key).toList());
        for (RouteTable.Route r : writing) {
            Call call = scenarios.get(key(r)).get();
            Caller as = call.as() != null ? call.as() : r.access() == Access.ADMIN ? admin : r.access() == Access.OPERATOR ? operator : viewer;
            long mark = AuditRows.maxId(db);
            // A call with headers of its own (a session cookie) sends no bearer token.
            Api.Reply reply = api.send(r.method(), call.path(), call.body(), call.headers().isEmpty() ? as.token() : null,
                    call.headers().toArray(String[]::new));
            assertThat(reply.status()).as(key(r) + ": " + reply).isBetween(200, 299);
            shown(reply);
            String objectId = call.objectId() != null ? call.objectId() : reply.json().get("id").asText();
            List<AuditRows.Row> rows = AuditRows.after(db, mark);
            assertThat(rows).as(key(r) + ": its audit rows").hasSize(1);
            AuditRows.Row row = rows.get(0);
            assertThat(Arrays.asList(row.actorKind(), row.actorId(), row.actorName(), row.address())).as(key(r))
                    .containsExactly("user", as.id(), as.name(), "127.0.0.1");
            assertThat(List.of(row.action(), row.type(), row.objectId())).as(key(r)).containsExactly(call.action(), call.type(), objectId);
            assertThat(row.before() != null).as(key(r) + ": before").isEqualTo(call.before());
            assertThat(row.after() != null).as(key(r) + ": after").isEqualTo(call.after());
            if (row.after() != null && row.after().has("id")) {
                assertThat(row.after().get("id").asText()).as(key(r)).isEqualTo(objectId);
            }
        }
        noSecretInAnyRow(db);
    }

    @Test
    void theAdminTokenIsRecordedAsItself() {
        long mark = AuditRows.maxId(server.database());
        Api.Reply r = api.post("/api/v1/groups", Map.of("name", "by-admin-token"), ADMIN);
        List<AuditRows.Row> rows = AuditRows.after(server.database(), mark);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).actorKind()).isEqualTo("break_glass");
        assertThat(rows.get(0).actorId()).isNull();
        assertThat(rows.get(0).actorName()).isEqualTo("admin-token");
        assertThat(rows.get(0).after().get("name").asText()).isEqualTo("by-admin-token");
        assertThat(rows.get(0).objectId()).isEqualTo(r.json().get("id").asText());
    }

    /** Revoking a bootstrap token with its agents records the token's revocation and each agent's. */
    @Test
    void revokingATokenWithItsAgentsRecordsEachAgent() {
        Api.Reply token = api.post("/api/v1/bootstrap-tokens", Map.of("name", "leaked", "max_uses", 1), ADMIN);
        shown(token);
        Api.Reply enrolled = api.post("/api/v1/bootstrap-tokens/register", Map.of("token", token.json().get("token").asText(),
                "hostname", "enrolled-by-leaked", "ip_address", "127.0.0.1"), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        String agent = enrolled.json().get("agent_id").asText();
        long mark = AuditRows.maxId(server.database());
        String tokenId = token.json().get("id").asText();
        assertThat(api.delete("/api/v1/bootstrap-tokens/" + tokenId + "?revoke_agents=true", operator.token()).status()).isEqualTo(200);
        List<AuditRows.Row> rows = AuditRows.after(server.database(), mark);
        assertThat(rows).extracting(r -> r.action() + " " + r.type() + " " + r.objectId() + " " + r.actorName())
                .containsExactly("revoke bootstrap_token " + tokenId + " audit-operator", "revoke target " + agent + " audit-operator");
        assertThat(rows.get(1).before().get("revoked_at").isNull()).isTrue();
        assertThat(rows.get(1).after().get("status").asText()).isEqualTo("revoked");
    }

    /** Revoking all of a user's tokens, by an admin or by the user, is one row on the user with the count. */
    @Test
    void revokingAllTokensIsOneRowWithTheCount() {
        Caller u = withToken(unique("all"), "viewer");
        secrets.add(Fixtures.userToken(api, u.name(), Map.of()));
        long mark = AuditRows.maxId(server.database());
        assertThat(api.delete("/api/v1/users/" + u.id() + "/tokens", admin.token()).json().get("revoked").asInt()).isEqualTo(2);
        List<AuditRows.Row> rows = AuditRows.after(server.database(), mark);
        assertThat(rows).extracting(r -> r.action() + " " + r.type() + " " + r.objectId() + " " + r.actorName())
                .containsExactly("revoke_tokens user " + u.id() + " audit-admin");
        assertThat(rows.get(0).after().get("revoked").asInt()).isEqualTo(2);

        Caller self = withToken(unique("self"), "operator");
        secrets.add(Fixtures.userToken(api, self.name(), Map.of()));
        mark = AuditRows.maxId(server.database());
        assertThat(api.delete("/api/v1/me/tokens", self.token()).json().get("revoked").asInt()).isEqualTo(2);
        rows = AuditRows.after(server.database(), mark);
        assertThat(rows).extracting(r -> r.action() + " " + r.objectId() + " " + r.actorId()).containsExactly("revoke_tokens " + self.id() + " " + self.id());
        assertThat(rows.get(0).after().get("revoked").asInt()).isEqualTo(2);
    }

    /** A new password's row says whether the tokens went and how many; never the password or its hash. */
    @Test
    void aNewPasswordRecordsTheTokensItRevoked() {
        Caller u = withToken(unique("pw"), "viewer");
        long mark = AuditRows.maxId(server.database());
        assertThat(api.put("/api/v1/users/" + u.id() + "/password", Map.of("password", NEW_PASSWORD), admin.token()).status()).isEqualTo(204);
        JsonNode after = AuditRows.after(server.database(), mark).get(0).after();
        assertThat(List.of(after.get("id").asText(), after.get("revoke_tokens").asText(), after.get("revoked_tokens").asText()))
                .containsExactly(u.id().toString(), "true", "1");
        assertThat(api.get("/api/v1/me", u.token()).status()).isEqualTo(401);

        Caller kept = withToken(unique("pw"), "viewer");
        mark = AuditRows.maxId(server.database());
        assertThat(api.put("/api/v1/users/" + kept.id() + "/password", Map.of("password", NEW_PASSWORD, "revoke_tokens", false),
                admin.token()).status()).isEqualTo(204);
        List<AuditRows.Row> rows = AuditRows.after(server.database(), mark);
        assertThat(rows).hasSize(1);
        assertThat(List.of(rows.get(0).action(), rows.get(0).after().get("revoke_tokens").asText(), rows.get(0).after().get("revoked_tokens").asText()))
                .containsExactly("set_password", "false", "0");
        assertThat(api.get("/api/v1/me", kept.token()).status()).isEqualTo(200);
        noSecretInAnyRow(server.database());
    }

    /** A failed login changes nothing, so it leaves no row. */
    @Test
    void aFailedLoginRecordsNothing() {
        long mark = AuditRows.maxId(server.database());
        Api.Reply r = api.post("/api/v1/login/tokens", Map.of("user", viewer.name(), "password", "not the password at all", "name", "x"), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(AuditRows.after(server.database(), mark)).isEmpty();
    }

    @Test
    void aCheckIsRecordedByItsScriptDigestAndItsEnvNames() throws Exception {
        long mark = AuditRows.maxId(server.database());
        String id = api.post("/api/v1/checks", check("digest"), operator.token()).json().get("id").asText();
        JsonNode after = AuditRows.after(server.database(), mark).get(0).after();
        byte[] script = SCRIPT.getBytes(StandardCharsets.UTF_8);
        assertThat(after.get("id").asText()).isEqualTo(id);
        assertThat(after.get("script_sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script)));
        assertThat(after.get("script_bytes").asInt()).isEqualTo(script.length);
        assertThat(after.get("env_names").toString()).isEqualTo("[\"DB_PASSWORD\",\"DB_USER\"]");
        assertThat(after.has("script")).isFalse();
        assertThat(after.has("env")).isFalse();
        assertThat(after.get("execution_sha256").asText()).hasSize(64);
        // A viewer reading the same check sees the names with hidden values and no execution_sha256.
        JsonNode seen = api.get("/api/v1/checks/" + id, viewer.token()).json();
        assertThat(seen.get("env").toString()).isEqualTo("{\"DB_PASSWORD\":\"***\",\"DB_USER\":\"***\"}");
        assertThat(seen.hasNonNull("execution_sha256")).isFalse();
    }

    private static void noSecretInAnyRow(TestDatabase.Coordinates db) {
        List<String> rows = AuditRows.allText(db);
        assertThat(rows).as("rows scanned").hasSizeGreaterThan(20);
        for (String secret : secrets) {
            assertThat(rows).as("rows holding the secret " + secret).noneMatch(row -> row.contains(secret));
        }
        assertThat(rows).noneMatch(row -> row.contains("\"password") || row.contains("\"token\"") || row.contains("secret_sha256"));
    }

    private static Map<String, Supplier<Call>> scenarios() {
        Map<String, Supplier<Call>> s = new HashMap<>();
        s.put("POST /api/v1/groups", () -> new Call("/api/v1/groups", Map.of("name", unique("g")), "create", "group", null, false, true));
        s.put("PUT /api/v1/groups/{id}", () -> {
            String id = created("/api/v1/groups", Map.of("name", unique("g")));
            return new Call("/api/v1/groups/" + id, Map.of("name", unique("g2")), "update", "group", id, true, true);
        });
        s.put("DELETE /api/v1/groups/{id}", () -> {
            String id = created("/api/v1/groups", Map.of("name", unique("g")));
            return new Call("/api/v1/groups/" + id, null, "delete", "group", id, true, false);
        });
        s.put("POST /api/v1/targets", () -> new Call("/api/v1/targets", Map.of("hostname", unique("h")), "create", "target", null, false, true));
        s.put("PUT /api/v1/targets/{id}", () -> {
            String id = target();
            return new Call("/api/v1/targets/" + id, Map.of("hostname", unique("renamed")), "update", "target", id, true, true);
        });
        s.put("DELETE /api/v1/targets/{id}", () -> {
            String id = target();
            return new Call("/api/v1/targets/" + id, null, "delete", "target", id, true, false);
        });
        s.put("POST /api/v1/targets/{id}/revoke", () -> {
            String id = target();
            return new Call("/api/v1/targets/" + id + "/revoke", null, "revoke", "target", id, true, true);
        });
        s.put("POST /api/v1/targets/bulk", () -> {
            String id = target();
            return new Call("/api/v1/targets/bulk", Map.of("action", "revoke", "target_ids", List.of(id)), "revoke", "target", id, true, true);
        });
        s.put("POST /api/v1/checks", () -> new Call("/api/v1/checks", check(unique("c")), "create", "check", null, false, true));
        s.put("PUT /api/v1/checks/{id}", () -> {
            String id = created("/api/v1/checks", check(unique("c")));
            return new Call("/api/v1/checks/" + id, check(unique("c2")), "update", "check", id, true, true);
        });
        s.put("DELETE /api/v1/checks/{id}", () -> {
            String id = created("/api/v1/checks", check(unique("c")));
            return new Call("/api/v1/checks/" + id, null, "delete", "check", id, true, false);
        });
        s.put("POST /api/v1/probes", () -> new Call("/api/v1/probes", probe(unique("p")), "create", "probe", null, false, true));
        s.put("PUT /api/v1/probes/{id}", () -> {
            String id = created("/api/v1/probes", probe(unique("p")));
            return new Call("/api/v1/probes/" + id, probe(unique("p2")), "update", "probe", id, true, true);
        });
        s.put("DELETE /api/v1/probes/{id}", () -> {
            String id = created("/api/v1/probes", probe(unique("p")));
            return new Call("/api/v1/probes/" + id, null, "delete", "probe", id, true, false);
        });
        s.put("POST /api/v1/bootstrap-tokens", () -> new Call("/api/v1/bootstrap-tokens", Map.of("name", unique("b"), "max_uses", 2),
                "create", "bootstrap_token", null, false, true));
        s.put("DELETE /api/v1/bootstrap-tokens/{id}", () -> {
            String id = created("/api/v1/bootstrap-tokens", Map.of("name", unique("b"), "max_uses", 1));
            return new Call("/api/v1/bootstrap-tokens/" + id, null, "revoke", "bootstrap_token", id, true, true);
        });
        s.put("POST /api/v1/users", () -> new Call("/api/v1/users", Map.of("name", unique("u"), "role", "viewer", "password", PASSWORD),
                "create", "user", null, false, true));
        s.put("PUT /api/v1/users/{id}", () -> {
            String id = user();
            return new Call("/api/v1/users/" + id, Map.of("role", "operator", "disabled", true), "update", "user", id, true, true);
        });
        s.put("DELETE /api/v1/users/{id}", () -> {
            String id = user();
            return new Call("/api/v1/users/" + id, null, "delete", "user", id, true, false);
        });
        s.put("PUT /api/v1/users/{id}/password", () -> {
            String id = user();
            return new Call("/api/v1/users/" + id + "/password", Map.of("password", NEW_PASSWORD), "set_password", "user", id, true, true);
        });
        s.put("DELETE /api/v1/users/{id}/tokens", () -> {
            Caller u = withToken(unique("u"), "viewer");
            return new Call("/api/v1/users/" + u.id() + "/tokens", null, "revoke_tokens", "user", u.id().toString(), false, true);
        });
        s.put("DELETE /api/v1/users/{id}/tokens/{token_id}", () -> {
            Caller u = withToken(unique("u"), "viewer");
            String token = AuditRows.tokenId(u.token());
            return new Call("/api/v1/users/" + u.id() + "/tokens/" + token, null, "revoke", "user_token", token, true, true);
        });
        // The user who logs in makes the token: it is the row's actor, though the request has no bearer.
        s.put("POST /api/v1/login/tokens", () -> {
            String name = unique("u");
            Caller u = new Caller(UUID.fromString(user(name, "viewer")), name, null);
            return new Call("/api/v1/login/tokens", Map.of("user", name, "password", PASSWORD, "name", unique("login")),
                    "create", "user_token", null, false, true, u);
        });
        // A console login: its user is the actor, its session the object.
        s.put("POST /api/v1/login/session", () -> {
            String name = unique("u");
            Caller u = new Caller(UUID.fromString(user(name, "viewer")), name, null);
            return new Call("/api/v1/login/session", Map.of("user", name, "password", PASSWORD), "login", "session", null, false, true, u);
        });
        // Logout with the session's cookie and CSRF token, as a browser does.
        s.put("DELETE /api/v1/login/session", () -> {
            String name = unique("u");
            Caller u = new Caller(UUID.fromString(user(name, "viewer")), name, null);
            Api.Reply in = api.post("/api/v1/login/session", Map.of("user", name, "password", PASSWORD), null);
            String cookie = in.header("Set-Cookie").orElseThrow().split(";")[0];
            secrets.add(cookie.substring(cookie.indexOf('=') + 1));
            secrets.add(in.json().get("csrf_token").asText());
            return new Call("/api/v1/login/session", null, "logout", "session", in.json().get("id").asText(), true, false, u,
                    List.of("Cookie", cookie, "X-CSRF-Token", in.json().get("csrf_token").asText()));
        });
        // Revokes the caller's own token too, so not the walk's viewer: one of its own.
        s.put("DELETE /api/v1/me/tokens", () -> {
            Caller u = withToken(unique("u"), "viewer");
            return new Call("/api/v1/me/tokens", null, "revoke_tokens", "user", u.id().toString(), false, true, u);
        });
        s.put("POST /api/v1/me/tokens", () -> new Call("/api/v1/me/tokens", Map.of("name", unique("mine")), "create", "user_token", null,
                false, true));
        s.put("DELETE /api/v1/me/tokens/{token_id}", () -> {
            Api.Reply r = api.post("/api/v1/me/tokens", Map.of("name", unique("mine")), viewer.token());
            shown(r);
            String token = r.json().get("id").asText();
            return new Call("/api/v1/me/tokens/" + token, null, "revoke", "user_token", token, true, true);
        });
        return s;
    }

    static Map<String, Object> check(String name) {
        return Map.of("name", name, "interpreter", "sh", "script", SCRIPT, "interval_seconds", 60, "timeout_seconds", 10,
                "global", true, "env", Map.of("DB_PASSWORD", ENV_SECRET, "DB_USER", "monitor"));
    }

    private static Map<String, Object> probe(String name) {
        return Map.of("name", name, "target", "127.0.0.1", "target_port", 5432, "protocol", "TCP", "timeout_ms", 500,
                "interval_seconds", 10, "global", true);
    }

    private static String key(RouteTable.Route r) {
        return r.method() + " " + r.path();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Set-up through the admin token; its own audit rows come before the mark. */
    private static String created(String path, Object body) {
        Api.Reply r = api.post(path, body, ADMIN);
        assertThat(r.status()).as(path + ": " + r).isEqualTo(201);
        shown(r);
        return r.json().get("id").asText();
    }

    private static String target() {
        String id = UUID.randomUUID().toString();
        assertThat(api.put("/api/v1/targets/" + id, Map.of("hostname", unique("h")), ADMIN).status()).isEqualTo(201);
        return id;
    }

    private static String user() {
        return user(unique("u"), "viewer");
    }

    private static String user(String name, String role) {
        return created("/api/v1/users", Map.of("name", name, "role", role, "password", PASSWORD));
    }

    /** A new user with a token it got itself at the login route (an admin creates none for it). */
    private static Caller withToken(String name, String role) {
        String id = user(name, role);
        String token = Fixtures.userToken(api, name, Map.of());
        secrets.add(token);
        return new Caller(UUID.fromString(id), name, token);
    }

    /** A secret an answer showed (once) joins the scan. */
    private static void shown(Api.Reply r) {
        if (r.body() != null && r.body().startsWith("{")) {
            JsonNode token = r.json().get("token");
            if (token != null && token.isTextual()) {
                secrets.add(token.asText());
            }
        }
    }
}
