package io.aami.server.console.bootstraptokens;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bootstrap-token pages on a real server: what they show, to whom, and that no page ever holds a token's secret. */
class BootstrapTokenPagesTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static ConsoleSessions.Session operator;
    static ConsoleSessions.Session viewer;

    @BeforeAll
    static void users() {
        Fixtures.user(api, "bt-operator", "operator");
        Fixtures.user(api, "bt-viewer", "viewer");
        operator = ConsoleSessions.login(api, "bt-operator");
        viewer = ConsoleSessions.login(api, "bt-viewer");
    }

    @Test
    void anOperatorCreatesATokenThroughTheApiAndNoPageEverHoldsItsSecret() {
        String group = Fixtures.group(api, "bt-web");
        String page = page(operator, "/ui/bootstrap-tokens");
        assertThat(page).contains("<form id=\"create-token\" data-api=\"/api/v1/bootstrap-tokens\" data-method=\"POST\" data-stay",
                        "data-secret=\"token-secret\"", "<label for=\"bt-name\">Name</label>", "<label for=\"bt-group\">Group</label>",
                        "<option value=\"" + group + "\">bt-web</option>", "name=\"max_uses\"", "name=\"ttl_seconds\"",
                        "name=\"expires_at\"", "name=\"labels\" data-type=\"map\"", "name=\"allowed_cidrs\" data-type=\"lines\"",
                        // The secret's place is empty: only the page's script fills it, from the POST's answer.
                        "<p class=\"secret\" id=\"token-secret-value\" data-secret-value></p>",
                        // The installer reads the token from standard input; the page's address and the CA pin's place.
                        "sudo ./install-agent.sh --server 127.0.0.1:" + port() + " --token - --ca-pin sha256:&lt;the CA pin")
                .containsPattern("<script src=\"/ui/assets/secret\\.[0-9a-f]{12}\\.js\"></script>");

        Api.Reply made = operator.send(api, "POST", "/api/v1/bootstrap-tokens",
                Map.of("name", "web-fleet", "group_id", group, "max_uses", 5, "ttl_seconds", 3600, "labels", Map.of("env", "prod")));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String token = made.json().get("token").asText();
        String id = made.json().get("id").asText();
        String secret = token.substring(token.indexOf('.') + 1);

        String list = page(operator, "/ui/bootstrap-tokens");
        assertThat(list).contains("<a href=\"/ui/bootstrap-tokens/" + id + "\">web-fleet</a>", "<td>bt-web</td>",
                        "<td class=\"num\">0 / 5</td>", "<span class=\"badge ok\">active</span>",
                        "data-api=\"/api/v1/bootstrap-tokens/" + id + "\" data-method=\"DELETE\"",
                        "data-api=\"/api/v1/bootstrap-tokens/" + id + "?revoke_agents=true\" data-method=\"DELETE\"")
                .doesNotContain(secret);
        String detail = page(operator, "/ui/bootstrap-tokens/" + id);
        assertThat(detail).contains("<h1>Bootstrap token web-fleet</h1>", "env=prod", "No agent has tried to enroll with this token.")
                .doesNotContain(secret);

        assertThat(operator.send(api, "DELETE", "/api/v1/bootstrap-tokens/" + id, null).status()).isEqualTo(204);
        String revoked = page(operator, "/ui/bootstrap-tokens/" + id);
        assertThat(revoked).contains("<span class=\"badge revoked\">revoked</span>").doesNotContain("data-method=\"DELETE\"");
    }

    @Test
    void aViewerReadsTheTokensButIsShownNoControlAndTheApiRefusesIt() {
        Map<String, Object> body = new HashMap<>(Map.of("name", "viewer-sees", "max_uses", 2));
        String token = Fixtures.bootstrapToken(api, 2, body);
        String id = token.substring("aami_".length(), token.indexOf('.'));
        String page = page(viewer, "/ui/bootstrap-tokens");
        assertThat(page).contains("viewer-sees", "<td>any</td>")
                .doesNotContain("data-api").doesNotContain("create-token").doesNotContain("Revoke").doesNotContain("install-agent.sh")
                .doesNotContain("/ui/assets/secret.");
        assertThat(page(viewer, "/ui/bootstrap-tokens/" + id)).contains("viewer-sees").doesNotContain("data-api");
        assertThat(viewer.send(api, "DELETE", "/api/v1/bootstrap-tokens/" + id, null).status()).isEqualTo(403);
        assertThat(viewer.send(api, "POST", "/api/v1/bootstrap-tokens", Map.of("name", "x", "max_uses", 1)).status()).isEqualTo(403);
    }

    @Test
    void aTokensPageListsItsUsesNewestFirst() {
        String token = Fixtures.bootstrapToken(api, 1, Map.of("name", "one-use"));
        String id = token.substring("aami_".length(), token.indexOf('.'));
        Api.Reply first = api.post("/api/v1/bootstrap-tokens/register",
                Map.of("token", token, "hostname", "uses-host", "ip_address", "127.0.0.1"), null);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String agent = first.json().get("agent_id").asText();
        Api.Reply second = api.post("/api/v1/bootstrap-tokens/register",
                Map.of("token", token, "hostname", "uses-host-2", "ip_address", "127.0.0.1"), null);
        assertThat(second.status()).isEqualTo(401);

        String page = page(viewer, "/ui/bootstrap-tokens/" + id);
        assertThat(page).contains("1 of 1 (0 remaining)", "<span class=\"badge disabled\">used up</span>",
                "<a href=\"/ui/targets/" + agent + "\">" + agent + "</a>", "<td>127.0.0.1</td>", "<td>enrolled</td>",
                "<td>TOKEN_EXHAUSTED</td>");
        assertThat(page.indexOf("TOKEN_EXHAUSTED")).isLessThan(page.indexOf("<td>enrolled</td>"));
        assertThat(page).doesNotContain(token.substring(token.indexOf('.') + 1));
    }

    @Test
    void anUnknownOrMalformedTokenIsNotFound() {
        for (String path : List.of("/ui/bootstrap-tokens/zzzzzz", "/ui/bootstrap-tokens/NOT-A-TOKEN-ID")) {
            Api.Reply r = viewer.get(api, path);
            assertThat(r.status()).as(path + " " + r).isEqualTo(404);
        }
        assertThat(api.get("/ui/bootstrap-tokens", null).status()).isEqualTo(303);
        assertThat(api.get("/ui/bootstrap-tokens", ADMIN).status()).isEqualTo(200);
    }

    @Test
    void theListReadsOnlyTheNewestTokensItDraws() throws Exception {
        var db = server.database();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password())) {
            try (var ps = c.prepareStatement("INSERT INTO bootstrap_tokens (id, name, secret_sha256, max_uses, expires_at, created_at) "
                    + "SELECT 'q' || lpad(n::text, 5, '0'), 'bt-old-' || n, '\\x00'::bytea, 1, now() + interval '1 day', "
                    + "timestamptz '2020-01-01' + n * interval '1 second' FROM generate_series(1, 600) n")) {
                ps.executeUpdate();
            }
            // The store reads the newest only (one more than the page draws), newest first.
            List<io.aami.server.tokens.BootstrapToken> newest = new io.aami.server.tokens.BootstrapTokenStore()
                    .newest(c, BootstrapTokenPagesHandler.MAX_ROWS + 1);
            assertThat(newest).hasSize(BootstrapTokenPagesHandler.MAX_ROWS + 1);
            assertThat(newest.stream().map(io.aami.server.tokens.BootstrapToken::name).filter(n -> n.startsWith("bt-old-")).findFirst())
                    .contains("bt-old-600");
            assertThat(newest.stream().map(io.aami.server.tokens.BootstrapToken::name)).doesNotContain("bt-old-1");
        }
        String page = page(viewer, "/ui/bootstrap-tokens");
        assertThat(page).contains("The newest 500 tokens are shown.", ">bt-old-600<").doesNotContain(">bt-old-1<");
        assertThat(java.util.regex.Pattern.compile("<tr>\\s*<td><a href=\"/ui/bootstrap-tokens/").matcher(page).results().count())
                .isEqualTo(BootstrapTokenPagesHandler.MAX_ROWS);
    }

    private static String page(ConsoleSessions.Session as, String path) {
        Api.Reply r = as.get(api, path);
        assertThat(r.status()).as(path + " " + r).isEqualTo(200);
        assertNoInlineScriptNorOtherOrigin(r.body());
        return r.body();
    }

    private static int port() {
        return server.running().port();
    }
}
