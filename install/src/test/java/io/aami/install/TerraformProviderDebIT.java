package io.aami.install;

import static io.aami.install.Packages.PROVIDER;
import static io.aami.install.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's .deb installed, used and removed for real ({@code dpkg} as root, the real {@code terraform}): postinst
 * trains the class-data archive into the package's root-only directory (not the mirror's, whose files Terraform's lock
 * file hashes: a new archive leaves the lock file valid); in a fresh directory with no CLI
 * configuration (an empty {@code TF_CLI_CONFIG_FILE}, a {@code HOME} of its own, no {@code dev_overrides})
 * {@code terraform init} finds {@code aami/aami} in Terraform's implied local mirror, {@code terraform validate}
 * runs the provider from there (the JVM mapping the trained archive), a JDK change retrains it (the trigger), and
 * removal and purge leave nothing under {@code /usr/share/terraform}.
 */
@Tag("packages")
class TerraformProviderDebIT {
    private static final Path SHARE = Path.of("/usr/share/terraform");

    @TempDir
    Path tmp;

    @Test
    void terraformInitFindsTheInstalledProviderAndRemovalLeavesNothing() throws Exception {
        PackageHost.requireDpkgAsRoot();
        Packages.requireTool("terraform", "none: HashiCorp's release zip");
        PackageHost host = PackageHost.claim(PROVIDER, List.of(SHARE, Packages.PROVIDER_HOME), List.of());
        try {
            run("dpkg", "-i", Packages.deb(PROVIDER).toString()).ok();
            assertThat(PackageHost.status(PROVIDER)).isEqualTo("install ok installed " + PackageContentsIT.debVersion());
            Path mirror = Packages.providerMirror(Path.of("/"));
            Path home = Packages.PROVIDER_HOME;
            Path archive = home.resolve("terraform-provider-aami.jsa");
            assertThat(PackageHost.listing(mirror)).as("alone in the mirror, whose files the lock file hashes")
                    .containsExactly("terraform-provider-aami");
            assertThat(PackageHost.listing(home)).containsExactly("terraform-provider-aami", "terraform-provider-aami.jar",
                    "terraform-provider-aami.jsa");
            assertThat(AgentInstaller.mode(mirror.resolve("terraform-provider-aami"))).isEqualTo("rwxr-xr-x");
            assertThat(Files.getOwner(archive).getName()).as("trained by postinst, as root").isEqualTo("root");
            assertThat(AgentInstaller.mode(home)).as("root's alone").isEqualTo("rwxr-xr-x");

            Path work = Files.createDirectories(tmp.resolve("work"));
            Files.writeString(work.resolve("main.tf"), "terraform {\n  required_providers {\n    aami = { source = \"aami/aami\" }\n"
                    + "  }\n}\n\nprovider \"aami\" {\n  address = \"https://config.example.com:8443\"\n}\n\n"
                    + "resource \"aami_group\" \"web\" {\n  name = \"web\"\n}\n");
            Packages.Result init = terraform(work, "init").ok();
            assertThat(init.output()).contains("Installed aami/aami v" + Packages.providerVersion());
            Path linked = work.resolve(".terraform/providers/registry.terraform.io/aami/aami/" + Packages.providerVersion() + "/linux_amd64");
            assertThat(linked.toRealPath()).as("linked to the package's directory").isEqualTo(mirror);
            assertThat(terraform(work, "validate").ok().output()).contains("Success! The configuration is valid.");
            Files.writeString(work.resolve("check.tf"), "resource \"aami_check\" \"c\" {\n  name             = \"c\"\n"
                    + "  kind             = \"passive\"\n  interval_seconds = 0\n  global           = true\n}\n");
            Packages.Result bad = terraform(work, "validate");
            assertThat(bad.exit()).as("the packaged provider judges the configuration").isNotZero();
            assertThat(bad.output()).contains("interval_seconds: must be between 1 and 604800");
            Files.delete(work.resolve("check.tf"));
            assertThat(sharedArchiveOnly(linked.resolve("terraform-provider-aami")))
                    .as("the provider's JVM maps the trained archive through Terraform's link").contains("This binary is a plugin")
                    .doesNotContain("shared archive");

            Files.delete(archive);
            run("dpkg-trigger", "--no-await", "/usr/lib/jvm").ok();
            run("dpkg", "--triggers-only", "--pending").ok();
            assertThat(archive).as("retrained on a JDK change").exists();
            assertThat(terraform(work, "validate").ok().output()).as("the lock file's hash outlives a new archive")
                    .contains("Success! The configuration is valid.");

            String remove = run("dpkg", "-r", PROVIDER).ok().output();
            // dpkg may say a shared parent (/opt) holds other packages' files; none of our directories may be left.
            assertThat(remove).doesNotContainPattern("directory '[^']*(terraform|aami)[^']*' not empty");
            assertThat(SHARE).as("nothing left after dpkg -r").doesNotExist();
            assertThat(home).as("nothing left after dpkg -r").doesNotExist();
            run("dpkg", "-P", PROVIDER).ok();
            assertThat(PackageHost.status(PROVIDER)).isIn("", "unknown ok not-installed");
            assertThat(SHARE).doesNotExist();
        } finally {
            host.restore();
        }
    }

    /** terraform in {@code work}: an empty CLI configuration, a HOME of its own, no TF_* or XDG_* from this machine. */
    private Packages.Result terraform(Path work, String command) throws Exception {
        Path empty = tmp.resolve("empty.tfrc");
        if (!Files.exists(empty)) {
            Files.writeString(empty, "");
        }
        List<String> cmd = new ArrayList<>(List.of("terraform", command, "-no-color"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("XDG_") || k.startsWith("AAMI_"));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(Map.of("TF_CLI_CONFIG_FILE", empty.toString(), "HOME", Files.createDirectories(tmp.resolve("home")).toString(),
                "CHECKPOINT_DISABLE", "1", "TF_IN_AUTOMATION", "1"));
        return finish(pb, String.join(" ", cmd));
    }

    /** The launcher run by hand through a java that insists on the class-data archive (-Xshare:on: no archive, no start). */
    private String sharedArchiveOnly(Path launcher) throws Exception {
        Path java = tmp.resolve("java-xshare-on");
        Files.writeString(java, "#!/bin/sh\nfor a; do shift; [ \"$a\" = -jar ] && set -- \"$@\" -Xshare:on; set -- \"$@\" \"$a\"; done\n"
                + "exec java \"$@\"\n");
        java.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(launcher.toString()).redirectErrorStream(true);
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("AAMI_PROVIDER_JAVA", java.toString());
        return finish(pb, launcher.toString()).output();
    }

    private static Packages.Result finish(ProcessBuilder pb, String what) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(what + " finished").isTrue();
        return new Packages.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
