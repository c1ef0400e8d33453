package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.Fixtures;
import io.aami.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aami_group} and {@code aami_target} against a real config-server with the real terraform: apply, a
 * second plan with no changes, drift after a change through the API, a target deleted outside Terraform (its
 * retired id named), import, destroy (of a group with a bootstrap token scoped to it), and plan-time errors with the API's rules and messages. The first test
 * runs with every build; the others are tagged {@code terraform-long} ({@code -Pterraform}).
 */
class TargetLifecycleIT {
    private static TestServer server;
    private static Api api;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        api = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private TerraformDir dir() {
        return TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN);
    }

    private static String targetConfig(String id, String hostname) {
        return targetConfig(id, hostname, "web-" + id.substring(0, 8));
    }

    private static String targetConfig(String id, String hostname, String groupName) {
        return "resource \"aami_group\" \"web\" {\n  name = \"" + groupName + "\"\n}\n\n"
                + "resource \"aami_target\" \"this\" {\n  id       = \"" + id + "\"\n  hostname = \"" + hostname + "\"\n"
                + "  group_id = aami_group.web.id\n  labels   = { env = \"prod\" }\n}\n";
    }

    /** The example's one-use token scoped to the group: destroy revokes it, and the group must go all the same. */
    private static final String SCOPED_TOKEN = "\nresource \"aami_bootstrap_token\" \"enroll\" {\n  name     = \"enroll web\"\n"
            + "  max_uses = 1\n  group_id = aami_group.web.id\n}\n";

    @Test
    void applyThenNoChangesThenDriftThenDestroy() {
        String id = UUID.randomUUID().toString();
        TerraformDir tf = dir().config(targetConfig(id, "web-0") + SCOPED_TOKEN);
        tf.run("apply", "-auto-approve").ok();
        Api.Reply t = api.get("/api/v1/targets/" + id, TestServer.ADMIN);
        assertThat(t.status()).isEqualTo(200);
        assertThat(t.json().get("hostname").asText()).isEqualTo("web-0");
        assertThat(t.json().get("labels").get("env").asText()).isEqualTo("prod");
        String group = t.json().get("group_id").asText();

        assertThat(tf.run("plan", "-detailed-exitcode").exit()).as("a second plan has no changes").isZero();

        api.put("/api/v1/targets/" + id, Map.of("hostname", "renamed-by-hand", "group_id", group), TestServer.ADMIN);
        TerraformDir.Run drift = tf.run("plan", "-detailed-exitcode");
        assertThat(drift.exit()).as(drift.output()).isEqualTo(2);
        assertThat(drift.output()).contains("\"renamed-by-hand\" -> \"web-0\"").contains("1 to change");

        tf.run("destroy", "-auto-approve").ok();
        assertThat(api.get("/api/v1/targets/" + id, TestServer.ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/groups/" + group, TestServer.ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/bootstrap-tokens", TestServer.ADMIN).json().findValuesAsText("group_id"))
                .as("the revoked token went with its group").doesNotContain(group);
    }

    @Test
    @Tag("terraform-long")
    void aTargetDeletedOutsideTerraformIsAnErrorNamingItsRetiredId() {
        String id = UUID.randomUUID().toString();
        TerraformDir tf = dir().config(targetConfig(id, "web-1"));
        tf.run("apply", "-auto-approve").ok();
        assertThat(api.delete("/api/v1/targets/" + id, TestServer.ADMIN).status()).isEqualTo(204);
        TerraformDir.Run plan = tf.run("plan");
        assertThat(plan.exit()).isNotZero();
        assertThat(plan.output()).contains("target " + id + " was deleted outside Terraform")
                .contains("aami retires a deleted target's id forever");
        // The same id in a fresh configuration: the create is refused with the id named, not a bare 409.
        TerraformDir again = dir().config(targetConfig(id, "web-1", "other-" + id.substring(0, 8)));
        TerraformDir.Run apply = again.run("apply", "-auto-approve");
        assertThat(apply.exit()).isNotZero();
        assertThat(apply.output()).contains("target id " + id + " is retired").contains("give the host a new UUID");
    }

    @Test
    @Tag("terraform-long")
    void importThenNoChanges() {
        String group = Fixtures.group(api, "imported-" + UUID.randomUUID().toString().substring(0, 8));
        String id = UUID.randomUUID().toString();
        api.put("/api/v1/targets/" + id, Map.of("hostname", "db-0", "group_id", group), TestServer.ADMIN);
        TerraformDir tf = dir().config("resource \"aami_target\" \"db\" {\n  id       = \"" + id + "\"\n  hostname = \"db-0\"\n"
                + "  group_id = \"" + group + "\"\n}\n");
        tf.run("import", "aami_target.db", id).ok();
        TerraformDir.Run plan = tf.run("plan", "-detailed-exitcode");
        assertThat(plan.exit()).as(plan.output()).isZero();
    }

    @Test
    @Tag("terraform-long")
    void badInputIsRefusedAtPlanTimeWithTheApiMessagesAndAttribute() {
        TerraformDir.Run plan = dir().config("resource \"aami_target\" \"bad\" {\n  id       = \"not-a-uuid\"\n  hostname = \"h\"\n}\n")
                .run("plan");
        assertThat(plan.exit()).isNotZero();
        assertThat(plan.output()).contains("id: 'not-a-uuid' is not a UUID").contains("with aami_target.bad")
                .contains("10:   id       = \"not-a-uuid\"");
        String group = UUID.randomUUID().toString();
        TerraformDir.Run orphan = dir().config("resource \"aami_target\" \"orphan\" {\n  id       = \"" + UUID.randomUUID()
                + "\"\n  hostname = \"h\"\n  group_id = \"" + group + "\"\n}\n").run("plan");
        assertThat(orphan.exit()).isNotZero();
        assertThat(orphan.output()).contains("group_id: group " + group + " does not exist").contains("with aami_target.orphan")
                .contains("group_id = \"" + group + "\"");
    }
}
