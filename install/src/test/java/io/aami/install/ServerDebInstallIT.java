package io.aami.install;

import static io.aami.install.Packages.SERVER;
import static io.aami.install.Packages.run;
import static io.aami.install.SystemdUnitsTest.dist;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The server's .deb installed, removed and purged for real with {@code dpkg} as root: its user exists before its
 * config is unpacked (so the file is 0640 root:aami-server and that user can read it), the data directory is made
 * for that user, and a purge removes the configuration but keeps the data directory (database, CA and keys).
 */
@Tag("packages")
class ServerDebInstallIT {
    private static final Path CONFIG = Path.of("/etc/aami/config-server.yaml");
    private static final Path DATA = Path.of("/var/lib/aami-config-server");
    private static final List<Path> OURS = List.of(Path.of("/opt/aami/aami-config-server.jar"), Path.of("/usr/bin/aami-config-server"),
            Path.of("/etc/default/aami-config-server"), Path.of("/lib/systemd/system/aami-config-server.service"), DATA,
            Path.of("/etc/systemd/system/multi-user.target.wants/aami-config-server.service"));

    @Test
    void installRemoveAndPurge() throws Exception {
        PackageHost.requireDpkgAsRoot();
        PackageHost host = PackageHost.claim(SERVER, OURS, List.of("aami-server"));
        try {
            run("dpkg", "-i", Packages.deb(SERVER).toString()).ok();
            assertThat(PackageHost.status(SERVER)).isEqualTo("install ok installed " + PackageContentsIT.debVersion());
            assertThat(AgentInstaller.mode(CONFIG)).isEqualTo("rw-r-----");
            assertThat(owner(CONFIG)).isEqualTo("root:aami-server");
            assertThat(Files.mismatch(CONFIG, dist("config-server.yaml"))).isEqualTo(-1L);
            assertThat(run("runuser", "-u", "aami-server", "--", "head", "-c", "1", CONFIG.toString()).ok().output())
                    .as("the server's user reads its config").isEqualTo("#");
            assertThat(run("runuser", "-u", "nobody", "--", "head", "-c", "1", CONFIG.toString()).exit()).as("others do not").isNotZero();
            assertThat(AgentInstaller.mode(DATA)).isEqualTo("rwx------");
            assertThat(owner(DATA)).isEqualTo("aami-server:aami-server");
            assertThat(AgentInstaller.mode(Path.of("/usr/bin/aami-config-server"))).isEqualTo("rwxr-xr-x");
            assertThat(Files.mismatch(Path.of("/lib/systemd/system/aami-config-server.service"), dist("aami-config-server.service")))
                    .isEqualTo(-1L);
            Files.writeString(DATA.resolve("marker"), "the database lives here\n");

            run("dpkg", "-r", SERVER).ok();
            assertThat(Path.of("/opt/aami/aami-config-server.jar")).doesNotExist();
            assertThat(CONFIG).as("kept until a purge").exists();

            String purge = run("dpkg", "-P", SERVER).ok().output();
            assertThat(PackageHost.status(SERVER)).isIn("", "unknown ok not-installed");
            assertThat(CONFIG).doesNotExist();
            assertThat(Path.of("/etc/default/aami-config-server")).doesNotExist();
            assertThat(DATA.resolve("marker")).as("the data directory outlives a purge").exists();
            assertThat(purge).contains("kept /var/lib/aami-config-server");
        } finally {
            host.restore();
        }
    }

    private static String owner(Path p) throws Exception {
        UserPrincipal user = Files.getOwner(p);
        GroupPrincipal group = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class).group();
        return user.getName() + ":" + group.getName();
    }
}
