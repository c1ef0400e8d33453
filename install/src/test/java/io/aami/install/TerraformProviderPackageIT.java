package io.aami.install;

import static io.aami.install.Packages.PROVIDER;
import static io.aami.install.Packages.lines;
import static io.aami.install.Packages.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the aami-terraform-provider packages hold, read back with {@code dpkg-deb} and {@code rpm}: the launcher and
 * the jar in Terraform's implied local mirror under the provider's version, byte for byte as built, no class-data
 * archive (postinst trains one for the host's JDK; the .rpm owns it as %ghost), the Java dependency, the maintainer
 * scripts and the .deb's trigger on JDK changes.
 */
@Tag("packages")
class TerraformProviderPackageIT {
    @TempDir
    Path dir;

    private static Map<String, String> files(String launcherMode, String jarMode) {
        Path d = Packages.providerDir(Path.of("/"));
        return new TreeMap<>(Map.of(d.resolve("terraform-provider-aami").toString(), launcherMode,
                d.resolve("terraform-provider-aami.jar").toString(), jarMode));
    }

    @Test
    void debHoldsTheLauncherAndJarInTheMirrorUnderTheProvidersVersion() throws Exception {
        Packages.requireTool("dpkg-deb", "dpkg");
        Path deb = Packages.deb(PROVIDER);
        Map<String, String> listed = Packages.debFiles(deb);
        assertThat(listed).isEqualTo(files("-rwxr-xr-x root/root", "-rw-r--r-- root/root"));
        Path tree = dir.resolve("tree");
        run("dpkg-deb", "-x", deb.toString(), tree.toString()).ok();
        for (String f : List.of("terraform-provider-aami", "terraform-provider-aami.jar")) {
            assertThat(Files.mismatch(Packages.providerDir(tree).resolve(f), Packages.builtProvider(f))).as(f).isEqualTo(-1L);
        }

        assertThat(lines(run("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture").ok().output()))
                .containsExactly("Package: " + PROVIDER, "Version: " + PackageContentsIT.debVersion(), "Architecture: all");
        assertThat(run("dpkg-deb", "-f", deb.toString(), "Depends").ok().output().strip())
                .isEqualTo("default-jre-headless (>= 2:1.17) | java17-runtime-headless");
        Path control = dir.resolve("control");
        run("dpkg-deb", "-e", deb.toString(), control.toString()).ok();
        Path sources = Path.of(System.getProperty("aami.repo.dir"), "install/src/deb/terraform-provider");
        for (String script : List.of("postinst", "prerm")) {
            assertThat(Files.mismatch(control.resolve(script), sources.resolve(script))).as(script).isEqualTo(-1L);
            assertThat(Files.isExecutable(control.resolve(script))).as(script + " executable").isTrue();
        }
        assertThat(Files.readString(control.resolve("triggers"))).isEqualTo("interest-noawait /usr/lib/jvm\n");
        assertThat(control.resolve("conffiles")).as("no configuration files").doesNotExist();
    }

    @Test
    void rpmHoldsTheSameFilesOwnsTheArchiveItTrainsAndInstallsTheBuiltBytes() throws Exception {
        Packages.requireTool("rpm", "rpm");
        Path rpm = Packages.rpm(PROVIDER);
        Map<String, String> listed = Packages.rpmFiles(rpm);
        assertThat(listed.keySet()).allMatch(f -> f.startsWith("/usr/share/terraform/"));
        Map<String, String> expected = files("-rwxr-xr-x root root", "-rw-r--r-- root root");
        expected.put(Packages.providerDir(Path.of("/")).resolve("terraform-provider-aami.jsa").toString(), "-r--r--r-- root root g");
        assertThat(listed).as("the archive is %ghost (g)").isEqualTo(expected);
        assertThat(lines(run("rpm", "-qp", "--requires", rpm.toString()).ok().output())).contains("java-headless >= 1:17");
        assertThat(run("rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE} %{ARCH}", rpm.toString()).ok().output())
                .isEqualTo(PackageContentsIT.debVersion() + "-1 noarch");
        assertThat(run("rpm", "-qp", "--scripts", rpm.toString()).ok().output())
                .contains("postinstall scriptlet", "terraform-provider-aami --train", "root_only", "-perm /022");

        Path root = Files.createDirectories(dir.resolve("root"));
        run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--nodeps", "--noscripts", "-i", rpm.toString()).ok();
        for (String f : List.of("terraform-provider-aami", "terraform-provider-aami.jar")) {
            assertThat(Files.mismatch(Packages.providerDir(root).resolve(f), Packages.builtProvider(f))).as(f).isEqualTo(-1L);
        }
        assertThat(Packages.providerDir(root).resolve("terraform-provider-aami.jsa")).as("not shipped").doesNotExist();
    }
}
