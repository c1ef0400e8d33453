package io.aami.install;

import static io.aami.install.Packages.AGENT;
import static io.aami.install.Packages.lines;
import static io.aami.install.Packages.run;
import static io.aami.install.SystemdUnitsTest.dist;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's .deb installed, configured by the installer it ships, upgraded, removed and purged for real with
 * {@code dpkg} as root on this machine, as README "Packages" describes: the configuration survives an upgrade
 * ({@code --force-confold}), the identity survives a removal, a purge removes both. {@link PackageHost} refuses to
 * run on a machine that already has the package or files of its own, and leaves the machine as it found it.
 */
@Tag("packages")
class AgentDebLifecycleIT {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n";
    private static final Path ETC = PackageHost.ETC;
    private static final Path RUN_HELPER = Path.of(PackageContentsIT.RUN_HELPER);
    private static final Map<Path, String> PACKAGE_FILES = packageFiles();
    /** What the package or its scripts write outside /etc/aami. */
    private static final List<Path> OURS = List.of(Path.of("/opt/aami/aami-agent.jar"), Path.of("/usr/bin/aami-agent"),
            Path.of("/etc/default/aami-agent"), Path.of("/lib/systemd/system/aami-agent.service"),
            Path.of("/usr/share/aami/install-agent.sh"), RUN_HELPER, Path.of("/var/lib/aami"), Path.of("/var/lib/aami-checks"),
            Path.of("/etc/systemd/system/multi-user.target.wants/aami-agent.service"));

    /** The package's files and their modes: aami-run too when the agent module built it (the package then holds it). */
    private static Map<Path, String> packageFiles() {
        Map<Path, String> files = new HashMap<>(Map.of(
                Path.of("/opt/aami/aami-agent.jar"), "rw-r--r--",
                Path.of("/usr/bin/aami-agent"), "rwxr-xr-x",
                Path.of("/etc/default/aami-agent"), "rw-r--r--",
                Path.of("/lib/systemd/system/aami-agent.service"), "rw-r--r--",
                Path.of("/etc/aami/agent.yaml"), "rw-------",
                Path.of("/usr/share/aami/install-agent.sh"), "rwxr-xr-x"));
        if (Packages.holdsRunHelper(AGENT)) {
            files.put(RUN_HELPER, "rwxr-xr-x");
        }
        return Map.copyOf(files);
    }

    @TempDir
    Path dir;

    private static final Path ARCHIVE = Path.of("/var/lib/aami/aami-agent.jsa");
    private PackageHost host;

    @Test
    void installConfigureUpgradeRemoveAndPurge() throws Exception {
        PackageHost.requireDpkgAsRoot();
        host = PackageHost.claim(AGENT, OURS, List.of("aami"));
        Path v1 = Packages.deb(AGENT);
        Path v2 = nextVersion(v1);
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            String id = install(v1);
            String configured = configureWithTheShippedInstaller(server);
            upgradeKeepsConfigAndIdentity(v2, configured, id);
            removeKeepsConfigAndIdentity(configured, id);
            purgeRemovesEverything();
        } finally {
            host.restore();
        }
    }

    private String install(Path deb) throws Exception {
        run("dpkg", "-i", deb.toString()).ok();
        assertThat(status()).isEqualTo("install ok installed " + PackageContentsIT.debVersion());
        for (Map.Entry<Path, String> f : PACKAGE_FILES.entrySet()) {
            assertThat(AgentInstaller.mode(f.getKey())).as(f.getKey().toString()).isEqualTo(f.getValue());
            assertThat(Files.getAttribute(f.getKey(), "unix:uid")).as(f.getKey() + " owner").isEqualTo(0);
        }
        assertThat(Files.mismatch(Path.of("/lib/systemd/system/aami-agent.service"), dist("aami-agent.service"))).isEqualTo(-1L);
        assertThat(Files.mismatch(Path.of("/usr/bin/aami-agent"), dist("aami-agent"))).isEqualTo(-1L);
        assertThat(Files.mismatch(ETC.resolve("agent.yaml"), dist("agent.yaml"))).isEqualTo(-1L);
        if (Packages.holdsRunHelper(AGENT)) {
            // As the agent requires of checks.run_helper before it runs it as root: root's alone, up to /.
            for (Path p = RUN_HELPER.getParent(); p != null; p = p.getParent()) {
                assertThat(Files.getAttribute(p, "unix:uid")).as(p + " owner").isEqualTo(0);
                assertThat(AgentInstaller.mode(p)).as(p.toString()).matches("rwx.-..-.");
            }
            assertThat(run(RUN_HELPER.toString(), "--version").ok().output()).isEqualTo("aami-run 1\n");
        } else {
            assertThat(RUN_HELPER).as("no C compiler when it was built: the package is all, without aami-run").doesNotExist();
        }
        String id = Files.readString(ETC.resolve("agent-id"));
        assertThat(id).as("postinst made the identity").matches(UUID);
        assertThat(AgentInstaller.mode(ETC.resolve("agent-id"))).isEqualTo("rw-r--r--");
        assertThat(AgentInstaller.mode(Path.of("/var/lib/aami"))).isEqualTo("rwx------");
        // postinst ran aami-agent --train: the class archive of this jar on this Java, before the first start.
        assertThat(ARCHIVE).as("the class archive postinst had recorded").isRegularFile();
        assertThat(Files.size(ARCHIVE)).isGreaterThan(10_000_000L);
        assertThat(Files.getAttribute(ARCHIVE, "unix:uid")).isEqualTo(0);
        assertThat(run("sh", "-c", "JAVA_OPTS=-XX:+PrintSharedArchiveAndExit /usr/bin/aami-agent --help").ok().output())
                .as("the launcher maps it, with the classes of the training's TLS enrollment")
                .contains(": io.aami.agent.enrollment.Enroller ", ": sun.security.ssl.ClientHello ");
        assertThat(run("getent", "passwd", "aami").exit()).as("the checks user (checks.run_as) exists").isZero();
        assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/aami-agent.service"))
                .as("not enabled before it has a server and a token").doesNotExist();
        // The packaged launcher, jar and config work together, and the agent refuses to start without a server.
        Packages.Result agent = run("/usr/bin/aami-agent", "--config", "/etc/aami/agent.yaml");
        assertThat(agent.exit()).as(agent.output()).isEqualTo(2);
        assertThat(agent.output()).contains("server.address");
        return id;
    }

    /** The installer the package ships writes the configuration and the token, and no file the package owns. */
    private String configureWithTheShippedInstaller(TestServer server) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "aami_tst123.S3cretTokenValue-0123456789abcdef\n");
        List<String> args = new ArrayList<>(List.of("bash", "/usr/share/aami/install-agent.sh", "--server", "127.0.0.1:" + server.port(),
                "--token-file", token.toString(), "--ca-pin", AgentInstaller.pin(server), "--no-start"));
        Packages.Result refused = run(Stream.concat(args.stream(), Stream.of("--jar", JavaProcess.jar("aami.agent.jar").toString())).toList());
        assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("the aami-agent package is installed");
        run(args).ok();
        String configured = Files.readString(ETC.resolve("agent.yaml"));
        assertThat(configured).contains("address: \"127.0.0.1:" + server.port() + "\"", "run_as: \"aami\"");
        assertThat(AgentInstaller.mode(ETC.resolve("bootstrap-token"))).isEqualTo("rw-------");
        assertThat(Path.of("/etc/systemd/system/aami-agent.service")).as("the package's unit is used").doesNotExist();
        assertThat(lines(run("dpkg", "--verify", AGENT).output())).as("only the conffile agent.yaml changed")
                .containsExactly("??5?????? c /etc/aami/agent.yaml");
        Packages.Result uninstall = run("bash", "/usr/share/aami/install-agent.sh", "--uninstall");
        assertThat(uninstall.exit()).as(uninstall.output()).isEqualTo(1);
        assertThat(uninstall.output()).contains("apt-get purge aami-agent");
        return configured;
    }

    private void upgradeKeepsConfigAndIdentity(Path v2, String configured, String id) throws Exception {
        // As an earlier version left it (packaged 0644, then edited): the upgrade keeps the file but makes it root-only.
        Files.setPosixFilePermissions(ETC.resolve("agent.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
        java.nio.file.attribute.FileTime archiveBefore = Files.getLastModifiedTime(ARCHIVE);
        run("dpkg", "-i", "--force-confold", v2.toString()).ok();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).as("the upgrade's postinst recorded the archive again")
                .isGreaterThan(archiveBefore);
        assertThat(status()).isEqualTo("install ok installed " + PackageContentsIT.debVersion() + "+test2");
        assertThat(Files.readString(ETC.resolve("agent.yaml"))).as("the operator's agent.yaml is kept").isEqualTo(configured);
        assertThat(Files.readString(ETC.resolve("agent.yaml.dpkg-dist"))).as("the new version's beside it")
                .isEqualTo(Files.readString(dist("agent.yaml")) + "# changed in the next version\n");
        assertThat(Files.readString(ETC.resolve("agent-id"))).isEqualTo(id);
        assertThat(ETC.resolve("bootstrap-token")).exists();
        for (Map.Entry<Path, String> f : PACKAGE_FILES.entrySet()) {
            assertThat(AgentInstaller.mode(f.getKey())).as(f.getKey().toString()).isEqualTo(f.getValue());
        }
    }

    private void removeKeepsConfigAndIdentity(String configured, String id) throws Exception {
        run("dpkg", "-r", AGENT).ok();
        assertThat(status()).isEqualTo("deinstall ok config-files " + PackageContentsIT.debVersion() + "+test2");
        for (Path p : List.of(Path.of("/opt/aami/aami-agent.jar"), Path.of("/usr/bin/aami-agent"),
                Path.of("/lib/systemd/system/aami-agent.service"), Path.of("/usr/share/aami/install-agent.sh"), RUN_HELPER)) {
            assertThat(p).doesNotExist();
        }
        assertThat(Files.readString(ETC.resolve("agent-id"))).isEqualTo(id);
        assertThat(Files.readString(ETC.resolve("agent.yaml"))).isEqualTo(configured);
        assertThat(ETC.resolve("bootstrap-token")).exists();
        assertThat(Path.of("/etc/default/aami-agent")).exists();
        assertThat(Path.of("/var/lib/aami")).isDirectory();
    }

    private void purgeRemovesEverything() throws Exception {
        run("dpkg", "-P", AGENT).ok();
        assertThat(status()).isIn("", "unknown ok not-installed");
        assertThat(Path.of("/etc/default/aami-agent")).doesNotExist();
        assertThat(Path.of("/var/lib/aami")).doesNotExist();
        if (host.etcExisted()) {
            assertThat(PackageHost.listing(ETC)).as("agent-id, agent.yaml (and .dpkg-dist), token removed").isEmpty();
        } else {
            assertThat(ETC).doesNotExist();
        }
    }

    /** The same package at a higher version whose packaged agent.yaml changed too, so dpkg must decide. */
    private Path nextVersion(Path deb) throws Exception {
        Path tree = dir.resolve("v2");
        run("dpkg-deb", "-R", deb.toString(), tree.toString()).ok();
        Path control = tree.resolve("DEBIAN/control");
        String version = PackageContentsIT.debVersion();
        Files.writeString(control, Files.readString(control).replace("Version: " + version + "\n", "Version: " + version + "+test2\n"));
        Path yaml = tree.resolve("etc/aami/agent.yaml");
        Files.writeString(yaml, Files.readString(yaml) + "# changed in the next version\n");
        Path md5sums = tree.resolve("DEBIAN/md5sums");
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(yaml)));
        Files.writeString(md5sums, Files.readString(md5sums).replaceAll("(?m)^[0-9a-f]{32}(  etc/aami/agent\\.yaml)$", md5 + "$1"));
        // Of the same architecture as the first: all, or this host's when it holds aami-run.
        String arch = run("dpkg-deb", "-f", deb.toString(), "Architecture").ok().output().strip();
        Path next = dir.resolve("aami-agent_next_" + arch + ".deb");
        run("dpkg-deb", "--root-owner-group", "-b", tree.toString(), next.toString()).ok();
        assertThat(run("dpkg", "--compare-versions", version + "+test2", "gt", version).exit()).isZero();
        return next;
    }

    private static String status() throws Exception {
        return PackageHost.status(AGENT);
    }
}
