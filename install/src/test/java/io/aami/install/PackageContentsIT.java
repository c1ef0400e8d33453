package io.aami.install;

import static io.aami.install.Packages.AGENT;
import static io.aami.install.Packages.SERVER;
import static io.aami.install.Packages.lines;
import static io.aami.install.Packages.run;
import static io.aami.install.SystemdUnitsTest.dist;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the four packages built by {@code mvn package} hold, read back with the real tools ({@code dpkg-deb},
 * {@code rpm}): every file with its mode and owner, the configuration files marked as such, the same bytes as the
 * shipped sources, the Java dependency and the maintainer scripts, and the architecture: the agent's packages hold
 * aami-run, and are of this host's architecture, exactly when the agent module built it (a C compiler was there).
 * README "Packages" describes the same.
 */
@Tag("packages")
class PackageContentsIT {
    @TempDir
    Path dir;

    /** Package path -> "mode owner group" and the source its bytes come from, per package format. */
    private record Entry(String mode, String group, Path source) {
    }

    /** Where the agent's packages put aami-run: root's alone, as the agent requires before it runs it as root. */
    static final String RUN_HELPER = "/usr/libexec/aami/aami-run";

    private static Map<String, Entry> files(String name, boolean deb) {
        Map<String, Entry> files = new LinkedHashMap<>();
        String units = deb ? "/lib/systemd/system/" : "/usr/lib/systemd/system/";
        String defaults = deb ? "/etc/default/" : "/etc/sysconfig/";
        String jarProperty = name.equals(AGENT) ? "aami.agent.jar" : "aami.server.jar";
        files.put("/opt/aami/" + name + ".jar", new Entry("-rw-r--r--", "root", JavaProcess.jar(jarProperty)));
        files.put("/usr/bin/" + name, new Entry("-rwxr-xr-x", "root", dist(name)));
        files.put(defaults + name, new Entry("-rw-r--r--", "root", dist(name + ".default")));
        files.put(units + name + ".service", new Entry("-rw-r--r--", "root", dist(name + ".service")));
        if (name.equals(AGENT)) {
            files.put("/etc/aami/agent.yaml", new Entry("-rw-------", "root", dist("agent.yaml")));
            files.put("/usr/share/aami/install-agent.sh", new Entry("-rwxr-xr-x", "root", dist("install-agent.sh")));
            if (Packages.holdsRunHelper(name)) {
                files.put(RUN_HELPER, new Entry("-rwxr-xr-x", "root", Packages.runHelper()));
            }
        } else {
            files.put("/etc/aami/config-server.yaml", new Entry("-rw-r-----", "aami-server", dist("config-server.yaml")));
        }
        return files;
    }

    private static List<String> configFiles(String name, boolean deb) {
        String defaults = (deb ? "/etc/default/" : "/etc/sysconfig/") + name;
        return name.equals(AGENT) ? List.of("/etc/aami/agent.yaml", defaults) : List.of("/etc/aami/config-server.yaml", defaults);
    }

    static String debVersion() {
        return System.getProperty("aami.version").replace('-', '~');
    }

    @ParameterizedTest
    @ValueSource(strings = {AGENT, SERVER})
    void debHoldsTheFilesWithTheirModesOwnersAndBytes(String name) throws Exception {
        Packages.requireTool("dpkg-deb", "dpkg");
        Path deb = Packages.deb(name);
        Map<String, String> listed = Packages.debFiles(deb);
        Map<String, String> expected = new TreeMap<>();
        files(name, true).forEach((path, e) -> expected.put(path, e.mode() + " root/" + e.group()));
        assertThat(listed).isEqualTo(expected);

        Path tree = dir.resolve("tree");
        run("dpkg-deb", "-x", deb.toString(), tree.toString()).ok();
        for (Map.Entry<String, Entry> e : files(name, true).entrySet()) {
            assertThat(Files.mismatch(tree.resolve(e.getKey().substring(1)), e.getValue().source())).as(e.getKey()).isEqualTo(-1L);
        }
        assertRunHelperRuns(name, tree);
    }

    /** The packaged aami-run, where the package holds one, runs on this host and is the version the agent expects. */
    private static void assertRunHelperRuns(String name, Path root) throws Exception {
        if (Packages.holdsRunHelper(name)) {
            assertThat(run(root.resolve(RUN_HELPER.substring(1)).toString(), "--version").ok().output()).isEqualTo("aami-run 1\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {AGENT, SERVER})
    void debDeclaresItsConffilesJavaAndMaintainerScripts(String name) throws Exception {
        Packages.requireTool("dpkg-deb", "dpkg");
        Path deb = Packages.deb(name);
        assertThat(lines(run("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture").ok().output()))
                .containsExactly("Package: " + name, "Version: " + debVersion(), "Architecture: " + Packages.debArch(name));
        assertThat(deb.getFileName().toString()).isEqualTo(name + "_" + debVersion() + "_" + Packages.debArch(name) + ".deb");
        assertThat(run("dpkg-deb", "-f", deb.toString(), "Depends").ok().output().strip())
                .startsWith("default-jre-headless (>= 2:1.17) | java17-runtime-headless");
        assertThat(lines(run("dpkg-deb", "-I", deb.toString(), "conffiles").ok().output()))
                .containsExactlyInAnyOrderElementsOf(configFiles(name, true));

        Path control = dir.resolve("control");
        run("dpkg-deb", "-e", deb.toString(), control.toString()).ok();
        Path sources = Path.of(System.getProperty("aami.repo.dir"), "install/src/deb", name.equals(AGENT) ? "agent" : "server");
        List<String> scripts = name.equals(AGENT) ? List.of("postinst", "prerm", "postrm") : List.of("preinst", "postinst", "prerm", "postrm");
        for (String script : scripts) {
            assertThat(Files.mismatch(control.resolve(script), sources.resolve(script))).as(script).isEqualTo(-1L);
            assertThat(Files.isExecutable(control.resolve(script))).as(script + " executable").isTrue();
        }
        assertThat(control.resolve(name.equals(AGENT) ? "preinst" : "config")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {AGENT, SERVER})
    void rpmHoldsTheFilesWithTheirModesOwnersAndNoreplaceConfigs(String name) throws Exception {
        Packages.requireTool("rpm", "rpm");
        Path rpm = Packages.rpm(name);
        Map<String, String> listed = Packages.rpmFiles(rpm);
        List<String> configs = configFiles(name, false);
        Map<String, String> expected = new TreeMap<>();
        files(name, false).forEach((path, e) -> expected.put(path, e.mode() + " root " + e.group() + (configs.contains(path) ? " cn" : "")));
        assertThat(listed).as("%config(noreplace) shows as cn").isEqualTo(expected);
        if (Packages.holdsRunHelper(name)) {
            // The package owns its directory too (rpmFiles checks that every directory it owns is 0755 root).
            assertThat(lines(run("rpm", "-qp", "--qf", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILENAMES}\\n]", rpm.toString())
                    .ok().output())).contains("drwxr-xr-x root root /usr/libexec/aami");
        }
        assertThat(lines(run("rpm", "-qp", "--configfiles", rpm.toString()).ok().output())).containsExactlyInAnyOrderElementsOf(configs);
        assertThat(lines(run("rpm", "-qp", "--requires", rpm.toString()).ok().output())).contains("java-headless >= 1:17");
        assertThat(run("rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE} %{ARCH}", rpm.toString()).ok().output())
                .isEqualTo(debVersion() + "-1 " + Packages.rpmArch(name));
        assertThat(rpm.getFileName().toString()).isEqualTo(name + "-" + debVersion() + "-1." + Packages.rpmArch(name) + ".rpm");
    }

    @ParameterizedTest
    @ValueSource(strings = {AGENT, SERVER})
    void rpmInstallsIntoAnEmptyRootWithTheShippedBytes(String name) throws Exception {
        Packages.requireTool("rpm", "rpm");
        Path rpm = Packages.rpm(name);
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        // No scriptlets (they would run chrooted in an empty tree) and no dependencies (none are installed there).
        run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "--nodeps", "--noscripts", "-i", rpm.toString()).ok();
        for (Map.Entry<String, Entry> e : files(name, false).entrySet()) {
            Path installed = root.resolve(e.getKey().substring(1));
            assertThat(Files.mismatch(installed, e.getValue().source())).as(e.getKey()).isEqualTo(-1L);
            assertThat("-" + AgentInstaller.mode(installed)).as(e.getKey()).isEqualTo(e.getValue().mode());
        }
        assertRunHelperRuns(name, root);
        assertThat(run("rpm", "--root", root.toString(), "--dbpath", "/var/lib/rpm", "-q", name).ok().output()).startsWith(name + "-");
    }

    @Test
    void rpmKeepsAnAgentYamlThatIsAlreadyThereAndWritesItsOwnBesideIt() throws Exception {
        Packages.requireTool("rpm", "rpm");
        Path rpm = Packages.rpm(AGENT);
        Path yaml = Files.createDirectories(dir.resolve("root/etc/aami")).resolve("agent.yaml");
        Files.writeString(yaml, "# written by install-agent.sh before the package came\n");
        run("rpm", "--root", dir.resolve("root").toString(), "--dbpath", "/var/lib/rpm", "--nodeps", "--noscripts", "-i", rpm.toString()).ok();
        assertThat(Files.readString(yaml)).isEqualTo("# written by install-agent.sh before the package came\n");
        assertThat(Files.mismatch(yaml.resolveSibling("agent.yaml.rpmnew"), dist("agent.yaml"))).as("%config(noreplace)").isEqualTo(-1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {AGENT, SERVER})
    void rpmScriptletsCreateTheUsersAndTheIdentityOnlyWhenAbsent(String name) throws Exception {
        Packages.requireTool("rpm", "rpm");
        String scripts = run("rpm", "-qp", "--scripts", Packages.rpm(name).toString()).ok().output();
        if (name.equals(AGENT)) {
            assertThat(scripts).contains("postinstall scriptlet", "getent passwd aami ", "useradd --system", "[ ! -e /etc/aami/agent-id ]",
                    "uuidgen", "/proc/sys/kernel/random/uuid", "[ -d /run/systemd/system ]", "systemctl disable --now aami-agent.service",
                    "timeout 120 /usr/bin/aami-agent --train")
                    .doesNotContain("enable --now aami-agent").doesNotContain("preinstall scriptlet");
        } else {
            assertThat(scripts).contains("preinstall scriptlet", "useradd --system --user-group", "aami-server",
                    "systemctl enable --now aami-config-server.service", "systemctl disable --now aami-config-server.service");
        }
    }
}
