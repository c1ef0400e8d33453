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
 * the jar in /opt/aami/terraform-provider byte for byte as built, the script that execs the launcher alone in
 * Terraform's implied local mirror under the provider's version, no class-data archive (postinst trains one for the
 * host's JDK; the .rpm owns it as %ghost), the Java dependency, the maintainer scripts and the .deb's trigger on JDK
 * changes.
 */
@Tag("packages")
class TerraformProviderPackageIT {
    @TempDir
    Path dir;

    /** Package path -> its source: the launcher and jar as built, the mirror's script from install/src/main/dist. */
    private static Map<String, Path> sources() {
        return Map.of(Packages.PROVIDER_HOME.resolve("terraform-provider-aami").toString(), Packages.builtProvider("terraform-provider-aami"),
                Packages.PROVIDER_HOME.resolve("terraform-provider-aami.jar").toString(), Packages.builtProvider("terraform-provider-aami.jar"),
                Packages.providerMirror(Path.of("/"), "linux_amd64").resolve("terraform-provider-aami").toString(),
                SystemdUnitsTest.dist("terraform-provider-aami-mirror"),
                Packages.providerMirror(Path.of("/"), "linux_arm64").resolve("terraform-provider-aami").toString(),
                SystemdUnitsTest.dist("terraform-provider-aami-mirror"));
    }

    /** Every file with its mode: the jar 0644, the launcher and the mirror's script 0755. */
    private static Map<String, String> files(String owners) {
        Map<String, String> files = new TreeMap<>();
        sources().keySet().forEach(f -> files.put(f, (f.endsWith(".jar") ? "-rw-r--r-- " : "-rwxr-xr-x ") + owners));
        return files;
    }

    private static void sameBytes(Path root) throws Exception {
        for (Map.Entry<String, Path> e : sources().entrySet()) {
            assertThat(Files.mismatch(root.resolve(e.getKey().substring(1)), e.getValue())).as(e.getKey()).isEqualTo(-1L);
        }
    }

    @Test
    void debHoldsTheLauncherAndJarInTheMirrorUnderTheProvidersVersion() throws Exception {
        Packages.requireTool("dpkg-deb", "dpkg");
        Path deb = Packages.deb(PROVIDER);
        Map<String, String> listed = Packages.debFiles(deb);
        assertThat(listed).isEqualTo(files("root/root"));
        Path tree = dir.resolve("tree");
        run("dpkg-deb", "-x", deb.toString(), tree.toString()).ok();
        sameBytes(tree);

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
        Map<String, String> expected = files("root root");
        expected.put(Packages.PROVIDER_HOME.resolve("terraform-provider-aami.jsa").toString(), "-r--r--r-- root root g");
        assertThat(listed).as("the archive is %ghost (g)").isEqualTo(expected);
        assertThat(lines(run("rpm", "-qp", "--requires", rpm.toString()).ok().output())).contains("java-headless >= 1:17");
        assertThat(run("rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE} %{ARCH}", rpm.toString()).ok().output())
                .isEqualTo(PackageContentsIT.debVersion() + "-1 noarch");
        assertThat(run("rpm", "-qp", "--scripts", rpm.toString()).ok().output())
                .contains("postinstall scriptlet", "terraform-provider-aami --train", "root_only", "-perm /022");

        Path root = Files.createDirectories(dir.resolve("root"));
        run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--nodeps", "--noscripts", "-i", rpm.toString()).ok();
        sameBytes(root);
        assertThat(root.resolve(Packages.PROVIDER_HOME.toString().substring(1)).resolve("terraform-provider-aami.jsa")).as("not shipped").doesNotExist();
    }
}
