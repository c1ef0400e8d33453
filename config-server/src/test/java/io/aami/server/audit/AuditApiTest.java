package io.aami.server.audit;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /api/v1/audit}: its filters, keyset paging, bad parameters, who may read it, and that nobody may rewrite it. */
class AuditApiTest {
    static final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();
    static final String PASSWORD = Fixtures.PASSWORD;

    static String auditor;
    static String alice;
    static String bob;
    static String bobId;
    static String groupA;
    static String groupB;
    static Instant t2;
    static Instant t3;

    /** alice creates A; an hour later bob creates B and renames A; an hour later the admin token deletes B. */
    @BeforeAll
    static void history() {
        user("auditor", "admin");
        auditor = Fixtures.userToken(api, "auditor", Map.of());
        user("alice", "operator");
        alice = Fixtures.userToken(api, "alice", Map.of());
        bobId = user("bob", "operator");
        bob = Fixtures.userToken(api, "bob", Map.of());
        groupA = api.post("/api/v1/groups", Map.of("name", "a"), alice).json().get("id").asText();
        clock.advance(Duration.ofHours(1));
        t2 = clock.instant();
        groupB = api.post("/api/v1/groups", Map.of("name", "b"), bob).json().get("id").asText();
        assertThat(api.put("/api/v1/groups/" + groupA, Map.of("name", "a2"), bob).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        t3 = clock.instant();
        assertThat(api.delete("/api/v1/groups/" + groupB, ADMIN).status()).isEqualTo(204);
    }

    @Test
    void filtersByActorObjectAndTime() {
        // Each user's first token, got at the login route, is recorded as made by that user.
        assertThat(summary("actor=alice"))
                .containsExactly("alice create group " + groupA, "alice create user_token " + AuditRows.tokenId(alice));
        assertThat(summary("actor=ALICE")).as("names without regard to case")
                .containsExactly("alice create group " + groupA, "alice create user_token " + AuditRows.tokenId(alice));
        assertThat(summary("actor=" + bobId)).containsExactly("bob update group " + groupA, "bob create group " + groupB,
                "bob create user_token " + AuditRows.tokenId(bob));
        assertThat(summary("actor=admin-token")).contains("admin-token delete group " + groupB).allMatch(s -> s.startsWith("admin-token "));
        assertThat(summary("object=group:" + groupA)).containsExactly("bob update group " + groupA, "alice create group " + groupA);
        assertThat(summary("object=" + groupB)).containsExactly("admin-token delete group " + groupB, "bob create group " + groupB);
        assertThat(summary("object=group")).hasSize(4);
        assertThat(summary("object=user")).hasSizeGreaterThanOrEqualTo(3).allMatch(s -> s.startsWith("admin-token create user "));
        assertThat(summary("object=user_token")).contains("auditor create user_token " + AuditRows.tokenId(auditor),
                        "alice create user_token " + AuditRows.tokenId(alice), "bob create user_token " + AuditRows.tokenId(bob))
                .noneMatch(s -> s.startsWith("admin-token"));
        assertThat(summary("since=" + t2 + "&until=" + t3)).containsExactly("bob update group " + groupA, "bob create group " + groupB);
        assertThat(summary("since=" + t3 + "&object=group")).containsExactly("admin-token delete group " + groupB);
        assertThat(summary("actor=bob&object=group:" + groupB)).containsExactly("bob create group " + groupB);

        JsonNode update = get("object=group:" + groupA + "&limit=1").json().get(0);
        assertThat(update.get("before").get("name").asText()).isEqualTo("a");
        assertThat(update.get("after").get("name").asText()).isEqualTo("a2");
        assertThat(update.get("at").asText()).isEqualTo(t2.toString());
        assertThat(update.get("source_address").asText()).isEqualTo("127.0.0.1");
        assertThat(update.get("actor_kind").asText()).isEqualTo("user");
    }

    @Test
    void pagesNewestFirstWithoutGapsOrRepeats() {
        List<Long> all = ids(get("limit=1000"));
        assertThat(all).hasSizeGreaterThan(8).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        List<Long> paged = new ArrayList<>();
        String after = "";
        for (int pages = 0; pages < 100; pages++) {
            Api.Reply page = get("limit=3" + after);
            paged.addAll(ids(page));
            if (page.header("Aami-Continue").isEmpty()) {
                break;
            }
            after = "&after=" + page.header("Aami-Continue").get();
        }
        assertThat(paged).isEqualTo(all);
        assertThat(get("").json().size()).isEqualTo(Math.min(100, all.size()));
    }

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource(delimiter = '|', value = {
            "limit=0                  | limit",
            "limit=1001               | limit",
            "limit=ten                | limit",
            "after=0                  | after",
            "after=x                  | after",
            "after=99999999999999999999 | after",
            "since=yesterday          | since",
            "until=2030-13-01T00:00:00Z | until",
            "since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z | until",
            "object=widget:1          | object",
            "object=group:            | object",
            "actor=a%0000             | actor"})
    void badParametersAreA400NamingThem(String query, String field) {
        Api.Reply r = api.get("/api/v1/audit?" + query, auditor);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(api.get("/api/v1/audit?actor=" + "x".repeat(201), auditor).json().get("field").asText()).isEqualTo("actor");
    }

    @Test
    void onlyAdminsReadItAndNobodyRewritesIt() {
        assertThat(api.get("/api/v1/audit", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/audit", alice).status()).isEqualTo(403);
        user("vera", "viewer");
        assertThat(api.get("/api/v1/audit", Fixtures.userToken(api, "vera", Map.of())).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit", auditor).status()).isEqualTo(200);
        long before = AuditRows.count(server.database());
        for (String method : List.of("POST", "PUT", "DELETE")) {
            for (String who : new String[] {alice, auditor, ADMIN}) {
                assertThat(api.send(method, "/api/v1/audit", Map.of("actor_name", "forged"), who).status()).isIn(404, 405);
            }
        }
        assertThat(AuditRows.count(server.database())).isEqualTo(before);
    }

    /** A user named like a shared token would pass for it in the log. */
    @Test
    void noUserMayPassForTheAdminToken() {
        for (String name : List.of("admin-token", "Admin-Token", "monitoring-token")) {
            Api.Reply r = api.post("/api/v1/users", Map.of("name", name, "role", "admin", "password", PASSWORD), ADMIN);
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.json().get("field").asText()).isEqualTo("name");
        }
    }

    @Test
    void filterValuesAreValuesNeverSql() {
        for (String hostile : List.of("x' OR '1'='1", "alice'; DELETE FROM audit_events; --", "%", "_lice")) {
            String q = URLEncoder.encode(hostile, StandardCharsets.UTF_8);
            assertThat(get("actor=" + q).json().size()).as(hostile).isZero();
            assertThat(get("object=group:" + q).json().size()).as(hostile).isZero();
        }
        assertThat(get("limit=1000").json().size()).isGreaterThan(8);
    }

    @Test
    void theTableRefusesChangesToARow() throws SQLException {
        try (Connection c = AuditRows.connect(server.database()); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_events SET actor_name = 'forged'"))
                    .hasMessageContaining("audit_events rows cannot be changed");
            assertThatThrownBy(() -> s.execute("TRUNCATE audit_events")).hasMessageContaining("audit_events rows cannot be changed");
        }
        assertThat(get("actor=forged").json().size()).isZero();
    }

    private static Api.Reply get(String query) {
        Api.Reply r = api.get("/api/v1/audit?" + query, auditor);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r;
    }

    /** Each event as "actor action type id", newest first. */
    private static List<String> summary(String query) {
        List<String> out = new ArrayList<>();
        get(query).json().forEach(e -> out.add(e.get("actor_name").asText() + " " + e.get("action").asText() + " "
                + e.get("object_type").asText() + " " + e.get("object_id").asText()));
        return out;
    }

    private static List<Long> ids(Api.Reply r) {
        List<Long> out = new ArrayList<>();
        r.json().forEach(e -> out.add(e.get("id").asLong()));
        return out;
    }

    private static String user(String name, String role) {
        Api.Reply r = api.post("/api/v1/users", Map.of("name", name, "role", role, "password", PASSWORD), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }
}
