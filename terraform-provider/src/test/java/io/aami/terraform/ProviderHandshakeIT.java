package io.aami.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider as Terraform starts it (launcher, jar, class-data archive from target/provider): go-plugin's
 * handshake with automatic mTLS, the schema, provider configuration checks, and an empty configuration that
 * validates and plans without touching any server.
 */
class ProviderHandshakeIT {
    @TempDir
    Path tmp;

    @Test
    void emptyConfigurationValidatesAndPlansWithoutAServer() {
        TerraformDir tf = TerraformDir.create(tmp, "http://127.0.0.1:9", "unused-token").config("");
        assertThat(tf.run("validate").ok().output()).contains("The configuration is valid");
        assertThat(tf.run("plan").ok().output()).contains("No changes");
    }

    @Test
    @Tag("terraform-long")
    void aBadProviderSettingIsAnErrorNamingTheAttribute() {
        // A resource, so that the plan configures the provider (an empty configuration never does).
        TerraformDir tf = TerraformDir.create(tmp, "ftp://somewhere", "t").config("resource \"aami_group\" \"g\" {\n  name = \"g\"\n}\n");
        TerraformDir.Run r = tf.run("plan");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("invalid aami address").contains("'ftp://somewhere' must start with https:// or http://");
    }

    @Test
    void startedByHandTheProviderRefusesAndSaysWhy() throws Exception {
        Path launcher = Path.of(System.getProperty("aami.provider.dir", "target/provider"), "terraform-provider-aami");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString()).redirectErrorStream(true);
        pb.environment().remove("TF_PLUGIN_MAGIC_COOKIE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("This binary is a plugin");
    }
}
