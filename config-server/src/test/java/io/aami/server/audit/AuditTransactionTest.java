package io.aami.server.audit;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit row and its change commit together or not at all, on a real PostgreSQL: failures are made by
 * triggers the test adds to the server's own database (a failing commit, a failing audit insert), not by mocks.
 */
class AuditTransactionTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of("AAMI_CHECKS_MAX_SCRIPT_BYTES", "2MiB",
            "AAMI_HTTP_MAX_BODY_BYTES", "4MiB"));
    static final Api api = server.api();

    /** A group named "doomed" is refused when its transaction commits: after the audit row was written in it. */
    @Test
    void aChangeRolledBackLeavesNoAuditRow() {
        AuditRows.execute(server.database(), """
                CREATE FUNCTION test_refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.name = 'doomed' THEN RAISE EXCEPTION 'refused at commit' USING ERRCODE = '23514'; END IF;
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER test_doomed AFTER INSERT ON groups DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW EXECUTE FUNCTION test_refuse_doomed();""");
        try {
            long rows = AuditRows.count(server.database());
            Api.Reply r = api.post("/api/v1/groups", Map.of("name", "doomed"), ADMIN);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(api.get("/api/v1/groups", ADMIN).body()).doesNotContain("doomed");
            assertThat(AuditRows.count(server.database())).isEqualTo(rows);

            assertThat(api.post("/api/v1/groups", Map.of("name", "spared"), ADMIN).status()).isEqualTo(201);
            assertThat(AuditRows.count(server.database())).isEqualTo(rows + 1);
        } finally {
            AuditRows.execute(server.database(), "DROP TRIGGER test_doomed ON groups; DROP FUNCTION test_refuse_doomed()");
        }
    }

    /** With every audit insert failing, no change is made: each writing request is a 503 and nothing is half-stored. */
    @Test
    void aFailedAuditInsertRefusesTheChange() {
        String group = api.post("/api/v1/groups", Map.of("name", "kept"), ADMIN).json().get("id").asText();
        AuditRows.execute(server.database(), """
                CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit insert refused by the test'; END $$;
                CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();""");
        List<Api.Reply> replies = new ArrayList<>();
        try {
            replies.add(api.post("/api/v1/checks", AuditRoutesTest.check("unrecorded"), ADMIN));
            replies.add(api.delete("/api/v1/groups/" + group, ADMIN));
            replies.add(api.put("/api/v1/groups/" + group, Map.of("name", "renamed"), ADMIN));
            replies.add(api.post("/api/v1/users", Map.of("name", "ghost", "role", "admin", "password", "correct horse battery"), ADMIN));
            replies.add(api.post("/api/v1/bootstrap-tokens", Map.of("name", "unrecorded", "max_uses", 1), ADMIN));
        } finally {
            AuditRows.execute(server.database(), "DROP TRIGGER test_refuse_audit ON audit_events; DROP FUNCTION test_refuse_audit()");
        }
        for (Api.Reply r : replies) {
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.json().get("code").asText()).isEqualTo("AUDIT_UNAVAILABLE");
            assertThat(r.json().get("error").asText()).contains("audit record");
            assertThat(r.header("Retry-After")).isPresent();
        }
        assertThat(api.get("/api/v1/checks", ADMIN).body()).doesNotContain("unrecorded");
        assertThat(api.get("/api/v1/groups/" + group, ADMIN).json().get("name").asText()).isEqualTo("kept");
        assertThat(api.get("/api/v1/users", ADMIN).body()).doesNotContain("ghost");
        assertThat(api.get("/api/v1/bootstrap-tokens", ADMIN).body()).doesNotContain("unrecorded");
    }

    /** A 1 MiB script is recorded by its SHA-256 and size; a state larger than the bound by its digest only. */
    @Test
    void aHugeStateDoesNotBloatTheTable() {
        long mark = AuditRows.maxId(server.database());
        Map<String, Object> body = new java.util.HashMap<>(AuditRoutesTest.check("huge"));
        body.put("script", "#!/bin/sh\n" + "#".repeat(1024 * 1024 - 11) + "\n");
        Api.Reply r = api.post("/api/v1/checks", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        body.put("name", "many-args");
        body.put("args", Collections.nCopies(64, "a".repeat(1024)));
        assertThat(api.post("/api/v1/checks", body, ADMIN).status()).isEqualTo(201);

        List<AuditRows.Row> rows = AuditRows.after(server.database(), mark);
        assertThat(rows).hasSize(2);
        JsonNode huge = rows.get(0).after();
        assertThat(huge.get("script_bytes").asInt()).isEqualTo(1024 * 1024);
        assertThat(huge.get("script_sha256").asText()).isEqualTo(r.json().get("script_sha256").asText());
        assertThat(huge.toString().length()).isLessThan(4096);
        JsonNode many = rows.get(1).after();
        assertThat(many.get("omitted").asText()).contains("larger than");
        assertThat(many.get("sha256").asText()).hasSize(64);
        assertThat(many.toString().length()).isLessThan(512);
    }
}
