package io.aami.server.console;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A console page the server cannot answer is an HTML page in the console's frame, with the API's status, code and
 * message, not the API's JSON: unknown and malformed ids on every page with one, an admin page seen by a viewer, a
 * page that does not exist; the API's routes keep their JSON errors.
 */
class ConsoleErrorPagesTest {
    private static TestServer server;
    private static Api api;
    private static ConsoleSessions.Session viewer;
    private static ConsoleSessions.Session admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        api = server.api();
        Fixtures.user(api, "vic", "viewer");
        Fixtures.user(api, "ada", "admin");
        viewer = ConsoleSessions.login(api, "vic");
        admin = ConsoleSessions.login(api, "ada");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/ui/targets/%s, 404, NOT_FOUND, Targets, /ui/targets",
            "/ui/targets/not-an-id, 404, NOT_FOUND, Targets, /ui/targets",
            "/ui/checks/%s, 404, NOT_FOUND, Checks, /ui/checks",
            "/ui/checks/not-an-id, 400, VALIDATION_FAILED, Checks, /ui/checks",
            "/ui/probes/%s, 404, NOT_FOUND, Probes, /ui/probes",
            "/ui/probes/not-an-id, 400, VALIDATION_FAILED, Probes, /ui/probes",
            "/ui/bootstrap-tokens/0123456789abcdef, 404, NOT_FOUND, Bootstrap tokens, /ui/bootstrap-tokens",
            "/ui/bootstrap-tokens/ZZ.zz, 404, NOT_FOUND, Bootstrap tokens, /ui/bootstrap-tokens",
            "/ui/users/%s, 404, NOT_FOUND, Users, /ui/users",
            "/ui/users/not-an-id, 400, VALIDATION_FAILED, Users, /ui/users",
    })
    void aMissingOrMalformedIdIsAnErrorPageInTheFrame(String path, int status, String code, String nav, String back) {
        Api.Reply r = admin.get(api, path.formatted(UUID.randomUUID()));
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertPage(r, code);
        assertThat(r.body()).contains("aria-current=\"page\">" + nav + "</a>", "<a href=\"" + back + "\">");
    }

    @Test
    void anAdminPageSeenByAViewerIsA403PageWithoutTheAdminEntries() {
        for (String path : new String[] {"/ui/users", "/ui/audit", "/ui/users/" + UUID.randomUUID()}) {
            Api.Reply r = viewer.get(api, path);
            assertThat(r.status()).as(r.toString()).isEqualTo(403);
            assertPage(r, "FORBIDDEN");
            assertThat(r.body()).contains("<h1 id=\"error-heading\">Not allowed</h1>", "vic").doesNotContain("href=\"/ui/audit\"");
        }
        assertThat(viewer.get(api, "/ui/checks/new").status()).as("operator's form").isEqualTo(403);
    }

    @Test
    void aPageThatDoesNotExistIsA404PageWithOrWithoutASession() {
        Api.Reply signedIn = viewer.get(api, "/ui/no-such-page");
        assertThat(signedIn.status()).isEqualTo(404);
        assertPage(signedIn, "NOT_FOUND");
        // No route, so no credential was read: the frame shows no navigation, and the way on is the overview (or the login).
        assertThat(signedIn.body()).doesNotContain("<nav").contains("<a href=\"/ui\">The overview</a>");
        Api.Reply anonymous = api.get("/ui/no-such-page", null);
        assertThat(anonymous.status()).isEqualTo(404);
        assertPage(anonymous, "NOT_FOUND");
    }

    @Test
    void aPageWithoutASessionStillSendsTheBrowserToLogIn() {
        Api.Reply r = api.get("/ui/checks/" + UUID.randomUUID(), null);
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.header("Location")).contains("/ui/login");
    }

    @Test
    void theApiKeepsItsJsonErrorsAndAnAssetItsJson404() {
        Api.Reply byToken = api.get("/api/v1/checks/" + UUID.randomUUID(), ADMIN);
        assertThat(byToken.status()).isEqualTo(404);
        assertThat(byToken.json().get("code").asText()).isEqualTo("NOT_FOUND");
        Api.Reply bySession = viewer.get(api, "/api/v1/users");
        assertThat(bySession.status()).isEqualTo(403);
        assertThat(bySession.json().get("code").asText()).isEqualTo("FORBIDDEN");
        Api.Reply asset = api.get("/ui/assets/nothing.js", null);
        assertThat(asset.status()).isEqualTo(404);
        assertThat(asset.json().get("code").asText()).isEqualTo("NOT_FOUND");
        Api.Reply write = api.send("POST", "/ui/checks", Map.of(), ADMIN);
        assertThat(write.json().get("code").asText()).as(write.toString()).isIn("NOT_FOUND", "METHOD_NOT_ALLOWED");
    }

    private static void assertPage(Api.Reply r, String code) {
        assertThat(r.header("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(r.header("Content-Security-Policy")).isPresent();
        assertThat(r.header("Cache-Control")).contains("no-store");
        assertThat(r.body()).contains("data-error-code=\"" + code + "\"").doesNotContain("\"code\":");
        assertNoInlineScriptNorOtherOrigin(r.body());
    }
}
