package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
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
 * {@code aami_bootstrap_token}, {@code aami_check}, {@code aami_probe} and the data sources against a real
 * config-server: apply, no changes after, the secret shown once and kept, a changed token replaced, the
 * check interval rule at plan time, import of each resource, destroy.
 */
@Tag("terraform-long")
class ResourcesIT {
    private static TestServer server;
    private static Api api;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        // Over TLS, the provider trusting the server's CA by its pin (as agents do).
        server = TestServer.start(Map.of("AAMI_TLS", "on"));
        api = server.api();
        pin = io.aami.terraform.api.Trust.sha256Hex(io.aami.terraform.api.Trust.parse(
                java.nio.file.Files.readAllBytes(server.caCertificate())));
    }

    private static String pin;

    @AfterAll
    static void stop() {
        server.close();
    }

    private TerraformDir dir() {
        return TerraformDir.create(tmp, server.baseUrl(), TestServer.ADMIN, Map.of("AAMI_CA_CERT_SHA256", "sha256:" + pin));
    }

    private static String config(String suffix, String tokenName, int interval) {
        return "resource \"aami_group\" \"g\" {\n  name = \"g-" + suffix + "\"\n}\n\n"
                // Scoped to the group: a replaced (revoked) token and the destroyed one go with the group.
                + "resource \"aami_bootstrap_token\" \"t\" {\n  name     = \"" + tokenName + "\"\n"
                + "  max_uses = 1\n  group_id = aami_group.g.id\n}\n\n"
                + "resource \"aami_check\" \"c\" {\n  name             = \"disk-" + suffix + "\"\n  interpreter      = \"sh\"\n"
                + "  script           = \"exit 0\"\n  interval_seconds = " + interval + "\n  timeout_seconds  = 10\n  group_id         = aami_group.g.id\n}\n\n"
                + "resource \"aami_probe\" \"p\" {\n  name             = \"ssh-" + suffix + "\"\n  target           = \"127.0.0.1\"\n"
                + "  target_port      = 22\n  protocol         = \"tcp\"\n  interval_seconds = 30\n  group_id         = aami_group.g.id\n}\n\n"
                + "data \"aami_ca\" \"ca\" {}\n\n"
                + "data \"aami_group\" \"byname\" {\n  name       = aami_group.g.name\n}\n\n"
                + "output \"token\" {\n  value     = aami_bootstrap_token.t.token\n  sensitive = true\n}\n\n"
                + "output \"pin\" {\n  value = data.aami_ca.ca.sha256\n}\n\n"
                + "output \"group_by_name\" {\n  value = data.aami_group.byname.id\n}\n\n"
                + "output \"ids\" {\n  value = [aami_group.g.id, aami_bootstrap_token.t.id, aami_check.c.id, aami_probe.p.id]\n}\n";
    }

    @Test
    void tokenCheckProbeAndDataSourcesThroughTheirLifecycle() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TerraformDir tf = dir().config(config(suffix, "enroll web", 60));
        tf.run("apply", "-auto-approve").ok();
        String token = tf.run("output", "-raw", "token").ok().output().trim();
        assertThat(token).startsWith("aami_");
        String[] ids = tf.run("output", "-json", "ids").ok().output().replaceAll("[\\[\\]\"\\s]", "").split(",");
        assertThat(tf.run("output", "-raw", "group_by_name").ok().output().trim()).isEqualTo(ids[0]);
        assertThat(tf.run("output", "-raw", "pin").ok().output().trim()).isEqualTo(pin);
        assertThat(api.get("/api/v1/checks/" + ids[2], TestServer.ADMIN).json().get("interval_seconds").asInt()).isEqualTo(60);
        assertThat(api.get("/api/v1/probes/" + ids[3], TestServer.ADMIN).json().get("target_port").asInt()).isEqualTo(22);
        assertThat(tf.run("plan", "-detailed-exitcode").exit()).as("no changes after apply").isZero();

        TerraformDir.Run zero = dir().config(config(suffix, "enroll web", 0)).run("plan");
        assertThat(zero.exit()).isNotZero();
        assertThat(zero.output()).contains("interval_seconds: must be between 1 and 604800").contains("with aami_check.c");

        tf.config(config(suffix, "enroll web again", 60));
        TerraformDir.Run replace = tf.run("plan", "-detailed-exitcode");
        assertThat(replace.exit()).isEqualTo(2);
        assertThat(replace.output()).contains("aami_bootstrap_token.t must be replaced").contains("forces replacement");
        tf.run("apply", "-auto-approve").ok();
        assertThat(tf.run("output", "-raw", "token").ok().output().trim()).startsWith("aami_").isNotEqualTo(token);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + ids[1], TestServer.ADMIN).json().get("revoked").asBoolean())
                .as("the replaced token is revoked").isTrue();

        tf.run("destroy", "-auto-approve").ok();
        assertThat(api.get("/api/v1/checks/" + ids[2], TestServer.ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/probes/" + ids[3], TestServer.ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/groups/" + ids[0], TestServer.ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/bootstrap-tokens/" + ids[1], TestServer.ADMIN).status()).isEqualTo(404);
    }

    @Test
    void everyResourceImportsWithNoChangesAfter() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TerraformDir made = dir().config(config(suffix, "imported", 60));
        made.run("apply", "-auto-approve").ok();
        String[] ids = made.run("output", "-json", "ids").ok().output().replaceAll("[\\[\\]\"\\s]", "").split(",");
        TerraformDir tf = dir().config(config(suffix, "imported", 60));
        tf.run("import", "aami_group.g", ids[0]).ok();
        tf.run("import", "aami_bootstrap_token.t", ids[1]).ok();
        tf.run("import", "aami_check.c", ids[2]).ok();
        tf.run("import", "aami_probe.p", ids[3]).ok();
        TerraformDir.Run plan = tf.run("plan", "-detailed-exitcode");
        assertThat(plan.exit()).as(plan.output()).isZero();
    }
}
