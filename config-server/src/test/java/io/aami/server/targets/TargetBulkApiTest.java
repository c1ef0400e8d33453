package io.aami.server.targets;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /api/v1/targets/bulk} on a real server: all or nothing, audited per target, bad input named. */
class TargetBulkApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static String operator;

    @BeforeAll
    static void users() {
        Fixtures.user(api, "bulk-operator", "operator");
        operator = Fixtures.userToken(api, "bulk-operator", Map.of());
        Fixtures.user(api, "bulk-viewer", "viewer");
    }

    static String target(String hostname, String group) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = new HashMap<>(Map.of("hostname", hostname));
        if (group != null) {
            body.put("group_id", group);
        }
        assertThat(api.put("/api/v1/targets/" + id, body, ADMIN).status()).isEqualTo(201);
        return id;
    }

    static Api.Reply bulk(Map<String, Object> body) {
        return api.post("/api/v1/targets/bulk", body, operator);
    }

    static String groupOf(String id) {
        JsonNode g = api.get("/api/v1/targets/" + id, ADMIN).json().get("group_id");
        return g.isNull() ? null : g.asText();
    }

    static List<JsonNode> audit(String id) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/audit?object=target:" + id, ADMIN).json().forEach(out::add);
        return out;
    }

    @Test
    void movesEveryTargetInOneRequestAuditingEachAsItsOwnUpdate() {
        String from = Fixtures.group(api, "bulk-from");
        String to = Fixtures.group(api, "bulk-to");
        String a = target("bulk-a", from);
        String b = target("bulk-b", null);
        String already = target("bulk-c", to);
        Api.Reply r = bulk(Map.of("action", "move", "target_ids", List.of(a, b, already), "group_id", to));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("action").asText()).isEqualTo("move");
        List<String> changed = new ArrayList<>();
        r.json().get("changed").forEach(n -> changed.add(n.asText()));
        assertThat(changed).containsExactlyInAnyOrder(a, b);
        assertThat(List.of(groupOf(a), groupOf(b), groupOf(already))).containsOnly(to);
        List<JsonNode> rows = audit(a);
        assertThat(rows.get(0).get("action").asText()).isEqualTo("update");
        assertThat(rows.get(0).get("actor_name").asText()).isEqualTo("bulk-operator");
        assertThat(rows.get(0).get("before").get("group_id").asText()).isEqualTo(from);
        assertThat(rows.get(0).get("after").get("group_id").asText()).isEqualTo(to);
        assertThat(audit(b).get(0).get("before").get("group_id").isNull()).isTrue();
        // Unchanged, so not audited: its newest row is still its creation.
        assertThat(audit(already).get(0).get("action").asText()).isEqualTo("create");
    }

    @Test
    void revokesEveryTargetAuditedAsTheSingleRouteDoes() {
        String a = target("bulk-r1", null);
        String b = target("bulk-r2", null);
        Api.Reply r = bulk(Map.of("action", "revoke", "target_ids", List.of(a, b)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (String id : List.of(a, b)) {
            assertThat(api.get("/api/v1/targets/" + id, ADMIN).json().get("status").asText()).isEqualTo("revoked");
            JsonNode row = audit(id).get(0);
            assertThat(row.get("action").asText()).isEqualTo("revoke");
            assertThat(row.get("after").get("status").asText()).isEqualTo("revoked");
        }
    }

    @Test
    void aMissingTargetIsA404NamingItAndNothingChanges() {
        String from = Fixtures.group(api, "bulk-keep");
        String to = Fixtures.group(api, "bulk-never");
        String a = target("bulk-m1", from);
        String missing = UUID.randomUUID().toString();
        Api.Reply r = bulk(Map.of("action", "move", "target_ids", List.of(a, missing), "group_id", to));
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains(missing);
        assertThat(r.json().get("field").asText()).isEqualTo("target_ids");
        assertThat(groupOf(a)).isEqualTo(from);
        assertThat(audit(a)).hasSize(1);

        Api.Reply revoke = bulk(Map.of("action", "revoke", "target_ids", List.of(a, missing)));
        assertThat(revoke.status()).isEqualTo(404);
        assertThat(api.get("/api/v1/targets/" + a, ADMIN).json().get("status").asText()).isEqualTo("pending");
        assertThat(audit(a)).hasSize(1);
    }

    @Test
    void badInputIsA400NamingTheField() {
        String a = target("bulk-bad", null);
        String group = Fixtures.group(api, "bulk-bad-group");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(UUID.randomUUID().toString());
        }
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("action", Map.of("action", "delete", "target_ids", List.of(a)));
        cases.put("target_ids", Map.of("action", "revoke", "target_ids", List.of()));
        cases.put("target_ids ", Map.of("action", "revoke", "target_ids", tooMany));
        cases.put("target_ids[1]", Map.of("action", "revoke", "target_ids", List.of(a, a)));
        cases.put("target_ids[0]", Map.of("action", "revoke", "target_ids", List.of("not-a-uuid")));
        cases.put("group_id", Map.of("action", "move", "target_ids", List.of(a)));
        cases.put("group_id ", Map.of("action", "revoke", "target_ids", List.of(a), "group_id", group));
        cases.forEach((field, body) -> {
            Api.Reply r = bulk(body);
            assertThat(r.status()).as(field + ": " + r).isEqualTo(400);
            assertThat(r.json().get("field").asText()).as(field + ": " + r).isEqualTo(field.trim());
        });
        Api.Reply unknownGroup = bulk(Map.of("action", "move", "target_ids", List.of(a), "group_id", UUID.randomUUID().toString()));
        assertThat(unknownGroup.status()).as(unknownGroup.toString()).isEqualTo(400);
        assertThat(unknownGroup.json().get("code").asText()).isEqualTo("UNKNOWN_GROUP");
        assertThat(api.get("/api/v1/targets/" + a, ADMIN).json().get("status").asText()).isEqualTo("pending");
        String viewer = Fixtures.userToken(api, "bulk-viewer", Map.of());
        assertThat(api.post("/api/v1/targets/bulk", Map.of("action", "revoke", "target_ids", List.of(a)), viewer).status()).isEqualTo(403);
    }

    @Test
    void anAlreadyRevokedTargetIsNotChangedAgainNorAuditedAgain() {
        String done = target("bulk-done", null);
        String fresh = target("bulk-fresh", null);
        assertThat(api.post("/api/v1/targets/" + done + "/revoke", Map.of(), ADMIN).status()).isEqualTo(200);
        String revokedAt = api.get("/api/v1/targets/" + done, ADMIN).json().get("revoked_at").asText();
        Api.Reply r = bulk(Map.of("action", "revoke", "target_ids", List.of(done, fresh)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> changed = new ArrayList<>();
        r.json().get("changed").forEach(n -> changed.add(n.asText()));
        assertThat(changed).containsExactly(fresh);
        assertThat(audit(done)).extracting(n -> n.get("action").asText()).containsExactly("revoke", "create");
        assertThat(audit(fresh)).extracting(n -> n.get("action").asText()).containsExactly("revoke", "create");
        assertThat(api.get("/api/v1/targets/" + done, ADMIN).json().get("revoked_at").asText()).isEqualTo(revokedAt);
    }

    @Test
    void aBulkRevokedAgentIsRefusedAtOnceItsIdRetiredAndEveryReplicaNotified() throws Exception {
        String group = Fixtures.group(api, "bulk-agents");
        Fixtures.EnrolledAgent agent = Fixtures.enroll(api, "bulk-agent", group);
        String other = target("bulk-agent-peer", group);
        var db = server.database();
        try (java.sql.Connection listen = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password())) {
            try (var st = listen.createStatement()) {
                st.execute("LISTEN " + io.aami.server.db.ChangeFeed.CHANNEL);
            }
            Api.Reply r = bulk(Map.of("action", "revoke", "target_ids", List.of(agent.id().toString(), other)));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            Api.Reply refused = api.post("/api/v1/agents/" + agent.id() + "/heartbeat", Map.of("agent_version", "t"), agent.token());
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("AGENT_REVOKED");
            Set<String> notices = new java.util.HashSet<>();
            long until = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
            var pg = listen.unwrap(org.postgresql.PGConnection.class);
            while (notices.size() < 3 && System.nanoTime() < until) {
                var got = pg.getNotifications(200);
                if (got != null) {
                    for (var n : got) {
                        notices.add(n.getParameter());
                    }
                }
            }
            assertThat(notices).contains("credentials:" + agent.id(), "credentials:" + other, "policy:members:" + group);
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
             var ps = c.prepareStatement("SELECT count(*) FROM retired_agent_ids WHERE id = ANY(?::uuid[]) AND reason = 'revoked'")) {
            ps.setArray(1, c.createArrayOf("uuid", new Object[] {agent.id(), UUID.fromString(other)}));
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    /** Prints (never asserts: the machine is shared) how long a bulk action over the most targets allowed takes. */
    @Test
    void aThousandTargetsAreRevokedAndMovedWithAFewStatements() throws Exception {
        String from = Fixtures.group(api, "bulk-1000-from");
        String to = Fixtures.group(api, "bulk-1000-to");
        List<String> ids = new ArrayList<>();
        var db = server.database();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
             var ps = c.prepareStatement("INSERT INTO targets (id, hostname, group_id, labels, status, created_at, updated_at) "
                     + "VALUES (?, ?, ?::uuid, '{}'::jsonb, 'pending', now(), now())")) {
            for (int i = 0; i < io.aami.contract.targets.TargetBulkRequest.MAX_TARGETS; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id.toString());
                ps.setObject(1, id);
                ps.setString(2, "bulk-many-" + i);
                ps.setString(3, from);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // The first big request warms the JIT and the connection pool up; the figures are of the next two.
        assertThat(bulk(Map.of("action", "move", "target_ids", ids, "group_id", to)).status()).isEqualTo(200);
        long t0 = System.nanoTime();
        Api.Reply moved = bulk(Map.of("action", "move", "target_ids", ids, "group_id", from));
        long t1 = System.nanoTime();
        Api.Reply revoked = bulk(Map.of("action", "revoke", "target_ids", ids));
        long t2 = System.nanoTime();
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("changed")).hasSize(ids.size());
        assertThat(audit(ids.get(999))).extracting(n -> n.get("action").asText()).containsExactly("revoke", "update", "update");
        System.out.printf("bulk of %d targets: move %d ms, revoke %d ms (load average %s)%n", ids.size(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    }
}
