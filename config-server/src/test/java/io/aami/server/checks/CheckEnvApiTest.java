package io.aami.server.checks;

import static io.aami.server.testing.Fixtures.check;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aami.common.policy.ExecutionDigest;
import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A check's env cannot carry loader or interpreter hooks (CheckEnvRules), through the real HTTP API and database. */
class CheckEnvApiTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    static Map<String, Object> withEnv(String name, Map<String, String> env) {
        Map<String, Object> body = new HashMap<>(check(name, "echo ok", 60, Map.of("global", true)));
        body.put("env", env);
        return body;
    }

    @Test
    void forbiddenVariablesAreA400NamingTheVariableAndNothingIsStored() {
        for (String variable : List.of("LD_PRELOAD", "ld_preload", "LD_LIBRARY_PATH", "BASH_ENV", "ENV", "BASH_FUNC_x",
                "SHELLOPTS", "PS4", "IFS", "PYTHONPATH", "PYTHONSTARTUP", "PERL5OPT", "RUBYOPT", "NODE_OPTIONS",
                "JAVA_TOOL_OPTIONS", "GCONV_PATH", "GLIBC_TUNABLES", "MALLOC_CHECK_", "TMPDIR", "PATH", "HOME")) {
            Api.Reply r = api.post("/api/v1/checks", withEnv("hook-" + variable, Map.of("OK", "1", variable, "/tmp/x")), ADMIN);
            assertThat(r.status()).as(variable + ": " + r).isEqualTo(400);
            assertThat(r.json().get("code").asText()).isEqualTo("VALIDATION_FAILED");
            assertThat(r.json().get("field").asText()).isEqualTo("env." + variable);
            assertThat(r.json().get("error").asText()).contains(variable).contains("may not be set");
        }
        assertThat(api.get("/api/v1/checks", ADMIN).json().findValuesAsText("name")).noneMatch(n -> n.startsWith("hook-"));
    }

    @Test
    void malformedNamesAndValuesAreA400() {
        assertRefused(withEnv("m1", Map.of("1ABC", "x")), "env.1ABC", "not a variable name");
        assertRefused(withEnv("m2", Map.of("A-B", "x")), "env.A-B", "not a variable name");
        assertRefused(withEnv("m3", Map.of("A=B", "x")), "env.A=B", "not a variable name");
        // A NUL anywhere in a body is refused by the shared JSON layer first, with the path escaped.
        assertRefused(withEnv("m4", Map.of("A\u0000B", "x")), "env.A\\u0000B", "NUL");
        assertRefused(withEnv("m5", Map.of("A".repeat(129), "x")), "env", "not a variable name");
        assertRefused(withEnv("m6", Map.of("VALUE", "a\u0000b")), "env.VALUE", "NUL");
        assertRefused(withEnv("m7", Map.of("VALUE", "v".repeat(4097))), "env.VALUE", "4096");
    }

    @Test
    void anUpdateAddingAHookIsRefusedAndLeavesTheCheckAsItWas() {
        String id = Fixtures.createCheck(api, withEnv("upd", Map.of("LIMIT", "90")));
        Api.Reply r = api.put("/api/v1/checks/" + id, withEnv("upd", Map.of("LIMIT", "90", "BASH_ENV", "/tmp/evil")), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("env.BASH_ENV");
        assertThat(api.get("/api/v1/checks/" + id, ADMIN).json().get("env").toString()).isEqualTo("{\"LIMIT\":\"90\"}");
    }

    @Test
    void ordinaryVariablesAreAccepted() {
        Api.Reply r = api.post("/api/v1/checks", withEnv("ordinary",
                Map.of("LIMIT", "90", "LANG", "de_DE.UTF-8", "LC_ALL", "C", "TZ", "UTC", "http_proxy", "http://p:3128")), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    @Test
    void everyReadShowsTheExecutionDigestTheAgentComputes() {
        Map<String, Object> body = withEnv("digest", Map.of("WARN", "80", "CRIT", "90"));
        body.put("args", List.of("-x", "tmpfs"));
        JsonNode created = api.post("/api/v1/checks", body, ADMIN).json();
        String expected = ExecutionDigest.of("sh", created.get("script_sha256").asText(), List.of("-x", "tmpfs"),
                Map.of("WARN", "80", "CRIT", "90"));
        assertThat(created.get("execution_sha256").asText()).isEqualTo(expected);
        String id = created.get("id").asText();
        assertThat(api.get("/api/v1/checks/" + id, ADMIN).json().get("execution_sha256").asText()).isEqualTo(expected);
        assertThat(api.get("/api/v1/checks", ADMIN).json().findValuesAsText("execution_sha256")).contains(expected);

        body.put("args", List.of("-x", "nfs"));
        String changed = api.put("/api/v1/checks/" + id, body, ADMIN).json().get("execution_sha256").asText();
        assertThat(changed).isNotEqualTo(expected)
                .isEqualTo(ExecutionDigest.of("sh", created.get("script_sha256").asText(), List.of("-x", "nfs"),
                        Map.of("WARN", "80", "CRIT", "90")));
    }

    private static void assertRefused(Map<String, Object> body, String field, String why) {
        Api.Reply r = api.post("/api/v1/checks", body, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(r.json().get("error").asText()).contains(why);
    }
}
