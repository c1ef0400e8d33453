package io.aami.server.console.audit;

import static io.aami.server.testing.ConsoleSessions.assertNoInlineScriptNorOtherOrigin;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ConsoleSessions;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.MutableClock;
import io.aami.server.testing.ServerPerClass;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit page on a real server: filters in the URL, newest first, keyset pages, before → after, admins only. */
class AuditPageTest {
    static final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of(), clock);
    static final Api api = server.api();
    static ConsoleSessions.Session admin;
    static ConsoleSessions.Session alice;
    static String group;
    static String secret;

    /** alice (operator) makes group "a" and renames it "a2"; 20 minutes later 55 groups by the admin, and a bootstrap token. */
    @BeforeAll
    static void history() {
        Fixtures.user(api, "ap-admin", "admin");
        Fixtures.user(api, "ap-alice", "operator");
        admin = ConsoleSessions.login(api, "ap-admin");
        alice = ConsoleSessions.login(api, "ap-alice");
        group = alice.send(api, "POST", "/api/v1/groups", Map.of("name", "a", "description", "first")).json().get("id").asText();
        assertThat(alice.send(api, "PUT", "/api/v1/groups/" + group, Map.of("name", "a2", "description", "first")).status())
                .isEqualTo(200);
        // 20 minutes: the sessions' idle timeout is 30.
        clock.advance(Duration.ofMinutes(20));
        for (int i = 0; i < 55; i++) {
            assertThat(admin.send(api, "POST", "/api/v1/groups", Map.of("name", "bulk-" + i)).status()).isEqualTo(201);
        }
        secret = admin.send(api, "POST", "/api/v1/bootstrap-tokens", Map.of("name", "audited", "max_uses", 1)).json()
                .get("token").asText();
    }

    @Test
    void aFilteredPageShowsBeforeAndAfterWithTheChangedKeysFirst() {
        String page = page("/ui/audit?actor=ap-alice&object=group");
        assertThat(page).contains("<input id=\"audit-actor\" name=\"actor\" value=\"ap-alice\"", "<label for=\"audit-since\">Since (UTC)</label>",
                "<td>2030-01-01 00:00:00 UTC</td>", "<td>update</td>", "<td>create</td>",
                "<tr class=\"changed\"><th scope=\"row\">name</th><td>a</td><td><mark>a2</mark></td></tr>",
                "<summary>", "<a href=\"/ui/audit?object=group%3A" + group + "\">group " + group + "</a>",
                "<a href=\"/ui/audit?actor=ap-alice\">ap-alice</a>");
        assertThat(page.indexOf("<td>update</td>")).isLessThan(page.indexOf("<td>create</td>"));
        assertThat(page).doesNotContain("bulk-").doesNotContain("Older");
    }

    @Test
    void olderPagesFollowTheApisKeysetWithTheSameFilters() {
        String first = page("/ui/audit?since=2030-01-01T00:10");
        assertThat(count(first, "<td>create</td>")).isEqualTo(AuditPageHandler.PAGE);
        assertThat(first).contains("<mark>audited</mark>").doesNotContain("Newest").doesNotContain(">a2<");
        Matcher older = Pattern.compile("<a href=\"(/ui/audit\\?since=2030-01-01T00%3A10&amp;after=(\\d+))\" rel=\"next\">Older</a>")
                .matcher(first);
        assertThat(older.find()).as(first).isTrue();
        String second = page(older.group(1).replace("&amp;", "&"));
        // 55 groups and one token after 00:10, 50 a page: 6 left, none of alice's (before 00:10).
        assertThat(count(second, "<td>create</td>")).isEqualTo(6);
        assertThat(second).contains("<a href=\"/ui/audit?since=2030-01-01T00%3A10\">Newest</a>").doesNotContain("Older")
                .doesNotContain("ap-alice");
    }

    @Test
    void aBadFilterIsShownAtItsFieldAndNoSecretIsEverShown() {
        Api.Reply bad = admin.get(api, "/ui/audit?since=yesterday&actor=ap-alice");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("aria-invalid=\"true\" aria-describedby=\"audit-error\"", "id=\"audit-error\" role=\"alert\">since:",
                "value=\"yesterday\"", "value=\"ap-alice\"");
        assertNoInlineScriptNorOtherOrigin(bad.body());
        assertThat(admin.get(api, "/ui/audit?object=nosuchtype:x").status()).isEqualTo(400);
        String all = page("/ui/audit?object=bootstrap_token");
        assertThat(all).contains("<mark>audited</mark>").doesNotContain(secret).doesNotContain(secret.substring(secret.indexOf('.') + 1));
    }

    @Test
    void onlyAdminsReadIt() {
        Api.Reply r = alice.get(api, "/ui/audit");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("<table").doesNotContain("bulk-");
        assertThat(api.get("/ui/audit", null).status()).isEqualTo(303);
    }

    private static String page(String path) {
        Api.Reply r = admin.get(api, path);
        assertThat(r.status()).as(path + " " + r).isEqualTo(200);
        assertNoInlineScriptNorOtherOrigin(r.body());
        return r.body();
    }

    private static int count(String page, String what) {
        return page.split(Pattern.quote(what), -1).length - 1;
    }
}
