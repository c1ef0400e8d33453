package io.aami.server.testing;

import static io.aami.server.testing.TestServer.ADMIN;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Common arrangements for API tests: enrolled agents, groups, checks. */
public final class Fixtures {
    private Fixtures() {
    }

    /** An enrolled agent: its id and its own credential. */
    public record EnrolledAgent(UUID id, String token) {
    }

    /** A new bootstrap token's secret: named "t", {@code maxUses} uses, {@code fields} added or overriding. */
    public static String bootstrapToken(Api api, int maxUses, Map<String, ?> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "t", "max_uses", maxUses));
        body.putAll(fields);
        Api.Reply r = api.post("/api/v1/bootstrap-tokens", body, ADMIN);
        if (r.status() != 201) {
            throw new IllegalStateException("bootstrap token not created: " + r);
        }
        return r.json().get("token").asText();
    }

    public static EnrolledAgent enroll(Api api, String hostname, String groupId) {
        String bootstrap = bootstrapToken(api, 1, Map.of());
        Map<String, Object> body = new HashMap<>(Map.of("token", bootstrap, "hostname", hostname, "ip_address", "127.0.0.1"));
        if (groupId != null) {
            body.put("group_id", groupId);
        }
        Api.Reply r = api.post("/api/v1/bootstrap-tokens/register", body, null);
        if (r.status() != 201) {
            throw new IllegalStateException("enrollment failed: " + r);
        }
        JsonNode j = r.json();
        return new EnrolledAgent(UUID.fromString(j.get("agent_id").asText()), j.get("agent_token").asText());
    }

    public static String group(Api api, String name) {
        return api.post("/api/v1/groups", Map.of("name", name), ADMIN).json().get("id").asText();
    }

    /** A check body; {@code scope} is e.g. Map.of("global", true) or Map.of("group_id", id). */
    public static Map<String, Object> check(String name, String script, int interval, Map<String, Object> scope) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "interpreter", "sh", "script", script,
                "interval_seconds", interval, "timeout_seconds", Math.max(1, interval / 2)));
        body.putAll(scope);
        return body;
    }

    public static String createCheck(Api api, Map<String, Object> body) {
        Api.Reply r = api.post("/api/v1/checks", body, ADMIN);
        if (r.status() != 201) {
            throw new IllegalStateException("check creation failed: " + r);
        }
        return r.json().get("id").asText();
    }

    /** The password {@link #user} gives every user. */
    public static final String PASSWORD = "correct horse battery";

    /** A new user (password {@link #PASSWORD}); its id. */
    public static String user(Api api, String name, String role) {
        Api.Reply r = api.post("/api/v1/users", Map.of("name", name, "role", role, "password", PASSWORD), ADMIN);
        if (r.status() != 201) {
            throw new IllegalStateException("user creation failed: " + r);
        }
        return r.json().get("id").asText();
    }

    /**
     * A new API token of the user named {@code user}, got as a user gets its own: with its name and password
     * ({@code POST /api/v1/login/tokens}; an admin cannot create one for it). Named at random unless
     * {@code fields} names it; {@code fields} may add {@code ttl_seconds} or {@code expires_at}.
     */
    public static String userToken(Api api, String user, Map<String, ?> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("user", user, "password", PASSWORD, "name", "t-" + UUID.randomUUID()));
        body.putAll(fields);
        Api.Reply r = api.post("/api/v1/login/tokens", body, null);
        if (r.status() != 201) {
            throw new IllegalStateException("token creation failed: " + r);
        }
        return r.json().get("token").asText();
    }
}
