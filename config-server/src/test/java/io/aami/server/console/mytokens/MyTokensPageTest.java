package io.aami.server.console.mytokens;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** "My API tokens" on a real server: only the caller's own tokens, the secret never in a page, what a session may make. */
class MyTokensPageTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    @Test
    void aViewerSeesItsOwnTokensOnlyAndCreatesOneWhoseSecretNoPageHolds() {
        Fixtures.user(api, "mt-viewer", "viewer");
        Fixtures.user(api, "mt-other", "viewer");
        Fixtures.userToken(api, "mt-viewer", Map.of("name", "ci-script"));
        Fixtures.userToken(api, "mt-other", Map.of("name", "someone-elses"));
        ConsoleSessions.Session me = ConsoleSessions.login(api, "mt-viewer");

        String page = page(me);
        assertThat(page).contains("<td>ci-script</td>", "<form id=\"create-token\" data-api=\"/api/v1/me/tokens\" data-method=\"POST\"",
                        "<label for=\"ut-name\">Name</label>", "<label for=\"ut-ttl\">Valid for</label>",
                        "<option value=\"3600\">1 hour</option>", "<option value=\"\">Until this console session ends</option>",
                        "<p class=\"secret\" id=\"token-secret-value\" data-secret-value></p>",
                        "data-api=\"/api/v1/me/tokens\" data-method=\"DELETE\" data-next=\"/ui/login\"")
                // A session's token ends with the session (12 h): longer choices would only be refused.
                .doesNotContain("1 day").doesNotContain("1 year")
                .doesNotContain("someone-elses");

        Api.Reply made = me.send(api, "POST", "/api/v1/me/tokens", Map.of("name", "made-in-console", "ttl_seconds", 3600));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String token = made.json().get("token").asText();
        String id = made.json().get("id").asText();
        String after = page(me);
        assertThat(after).contains("<td>made-in-console</td>",
                "data-api=\"/api/v1/me/tokens/" + id + "\" data-method=\"DELETE\" aria-label=\"Revoke token made-in-console\"");
        assertThat(after).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('_') + 1));

        assertThat(me.send(api, "DELETE", "/api/v1/me/tokens/" + id, null).status()).isEqualTo(204);
        assertThat(page(me)).contains("<span class=\"badge revoked\">revoked</span>")
                .doesNotContain("data-api=\"/api/v1/me/tokens/" + id + "\"");
    }

    @Test
    void theAdminTokenHasNoTokensAndIsOfferedNoForm() {
        Api.Reply r = api.get("/ui/tokens", ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("The admin token is no user and has no API tokens of its own.").doesNotContain("data-api");
        assertThat(api.get("/ui/tokens", null).status()).isEqualTo(303);
    }

    private static String page(ConsoleSessions.Session as) {
        Api.Reply r = as.get(api, "/ui/tokens");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertNoInlineScriptNorOtherOrigin(r.body());
        assertThat(r.body()).contains("<a href=\"/ui/tokens\" aria-current=\"page\">My API tokens</a>");
        return r.body();
    }
}
