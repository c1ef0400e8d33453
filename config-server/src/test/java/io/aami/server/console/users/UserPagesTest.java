package io.aami.server.console.users;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.ServerPerClass;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The user pages on a real server: admins only; what the list and a user's page show and offer. */
class UserPagesTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static ConsoleSessions.Session admin;

    @BeforeAll
    static void users() {
        Fixtures.user(api, "up-admin", "admin");
        admin = ConsoleSessions.login(api, "up-admin");
    }

    @Test
    void theListShowsEveryUserAndTheCreateForm() {
        String bob = Fixtures.user(api, "up-bob", "operator");
        assertThat(api.put("/api/v1/users/" + bob, Map.of("disabled", true), io.aami.server.testing.TestServer.ADMIN).status())
                .isEqualTo(200);
        String page = page("/ui/users");
        assertThat(page).contains("<a href=\"/ui/users/" + bob + "\">up-bob</a>", "<td>operator</td>",
                "<span class=\"badge disabled\">disabled</span>", "<a href=\"/ui/users\" aria-current=\"page\">Users</a>",
                "<form id=\"create-user\" data-api=\"/api/v1/users\" data-method=\"POST\" data-next=\"/ui/users/{id}\"",
                "<label for=\"user-password\">Password</label>", "type=\"password\"", "autocomplete=\"new-password\"",
                "<option value=\"admin\">admin</option>");
    }

    @Test
    void aUsersPageOffersRoleStatePasswordAndItsTokens() {
        String carol = Fixtures.user(api, "up-carol", "viewer");
        String secret = Fixtures.userToken(api, "up-carol", Map.of("name", "carol-ci"));
        String self = "/api/v1/users/" + carol;
        String page = page("/ui/users/" + carol);
        assertThat(page).contains("<h1>User up-carol</h1>", "<form id=\"user-role-form\" data-api=\"" + self + "\" data-method=\"PUT\"",
                        "<option value=\"viewer\" selected>viewer</option>", "<option value=\"admin\">admin</option>",
                        "data-body='{\"disabled\":true}'", "data-api=\"" + self + "/password\" data-method=\"PUT\"",
                        "name=\"revoke_tokens\" type=\"checkbox\" data-type=\"bool\" checked", "<td>carol-ci</td>",
                        "data-api=\"" + self + "/tokens\" data-method=\"DELETE\"")
                .containsPattern("data-api=\"" + self + "/tokens/[0-9a-f-]{36}\" data-method=\"DELETE\"")
                .doesNotContain(secret.substring(secret.lastIndexOf('_') + 1));

        // The page's controls are the API's: the role form's PUT, then the page shows the new role.
        ConsoleSessions.Session as = admin;
        assertThat(as.send(api, "PUT", self, Map.of("role", "operator")).status()).isEqualTo(200);
        assertThat(as.send(api, "PUT", self, Map.of("disabled", true)).status()).isEqualTo(200);
        assertThat(page("/ui/users/" + carol)).contains("<option value=\"operator\" selected>operator</option>",
                "data-body='{\"disabled\":false}'", "<span class=\"badge revoked\">revoked</span>")
                .doesNotContain("Revoke all tokens");
    }

    @Test
    void viewersAndOperatorsAreRefusedAndNotShownTheEntry() {
        String id = Fixtures.user(api, "up-op", "operator");
        Fixtures.user(api, "up-viewer", "viewer");
        for (String name : new String[] {"up-op", "up-viewer"}) {
            ConsoleSessions.Session s = ConsoleSessions.login(api, name);
            for (String path : new String[] {"/ui/users", "/ui/users/" + id}) {
                Api.Reply r = s.get(api, path);
                assertThat(r.status()).as(name + " " + path + " " + r).isEqualTo(403);
                assertThat(r.body()).doesNotContain("up-op<");
            }
            assertThat(s.get(api, "/ui").body()).doesNotContain("/ui/users");
        }
        assertThat(admin.get(api, "/ui/users/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(admin.get(api, "/ui/users/not-an-id").status()).isEqualTo(400);
    }

    private static String page(String path) {
        Api.Reply r = admin.get(api, path);
        assertThat(r.status()).as(path + " " + r).isEqualTo(200);
        assertNoInlineScriptNorOtherOrigin(r.body());
        return r.body();
    }
}
