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
        String validate = tf.withEnv("TF_LOG", "debug").run("validate").ok().output();
        assertThat(validate).contains("The configuration is valid").contains("plugin process exited")
                // Gone by itself after the controller's Shutdown, with status 0: not killed after go-plugin's 2 s.
                .doesNotContain("plugin failed to exit gracefully").doesNotContainPattern("plugin process exited:[^\n]*error=");
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

    /** Terraform killed (here a shell standing in for it): the provider does not run on, port open, on its own. */
    @Test
    void theProviderEndsWhenTheProcessThatStartedItIsGone() throws Exception {
        Path launcher = Path.of(System.getProperty("aami.provider.dir", "target/provider"), "terraform-provider-aami");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "\"$0\" & echo $!; wait", launcher.toString());
        pb.environment().put("TF_PLUGIN_MAGIC_COOKIE", ProviderMain.COOKIE_VALUE);
        pb.environment().put("PLUGIN_PROTOCOL_VERSIONS", "6");
        pb.environment().remove("PLUGIN_CLIENT_CERT");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process shell = pb.start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8))) {
            ProcessHandle provider = ProcessHandle.of(Long.parseLong(out.readLine().trim())).orElseThrow();
            assertThat(out.readLine()).startsWith("1|6|tcp|127.0.0.1:");
            shell.destroyForcibly();
            assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try {
                provider.onExit().get(30, TimeUnit.SECONDS);
            } finally {
                provider.destroyForcibly();
            }
        }
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
