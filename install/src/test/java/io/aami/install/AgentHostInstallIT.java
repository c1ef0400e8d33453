package io.aami.install;

import static io.aami.install.Packages.AGENT;
import static io.aami.install.Packages.run;
import static io.aami.install.SystemdUnitsTest.dist;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install-agent.sh} self-contained on this machine (as root, no package, {@code --no-start}): like the packages'
 * post-install script it has the launcher record the agent's class archive ({@code aami-agent --train}) from the jar it
 * placed, on this host's Java; a second run with the same jar trains no more; {@code --uninstall --purge} removes it
 * with the state. {@link PackageHost} refuses to run where the agent is installed and leaves the machine as it found it.
 */
@Tag("packages")
class AgentHostInstallIT {
    private static final Path ARCHIVE = Path.of("/var/lib/aami/aami-agent.jsa");
    /** What the script writes outside /etc/aami. */
    private static final List<Path> OURS = List.of(Path.of("/opt/aami/aami-agent.jar"), Path.of("/usr/bin/aami-agent"),
            Path.of("/etc/systemd/system/aami-agent.service"), Path.of("/etc/default/aami-agent"), Path.of("/var/lib/aami"),
            Path.of("/var/lib/aami-checks"), Path.of(PackageContentsIT.RUN_HELPER));

    @TempDir
    Path dir;

    @Test
    void theSelfContainedInstallRecordsTheClassArchiveOnceForItsJar() throws Exception {
        PackageHost.requireDpkgAsRoot();
        PackageHost host = PackageHost.claim(AGENT, OURS, List.of("nobody"));
        try (TestServer server = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            Path token = Files.writeString(dir.resolve("token"), "aami_tst123.S3cretTokenValue-0123456789abcdef\n");
            List<String> install = List.of("bash", dist("install-agent.sh").toString(), "--server", "127.0.0.1:" + server.port(),
                    "--token-file", token.toString(), "--ca-pin", AgentInstaller.pin(server), "--run-as", "nobody",
                    "--jar", JavaProcess.jar("aami.agent.jar").toString(), "--no-start");
            Packages.Result first = run(install).ok();
            assertThat(first.output()).doesNotContain("no class archive made now");
            assertThat(ARCHIVE).as("the class archive the training run recorded").isRegularFile();
            assertThat(Files.size(ARCHIVE)).isGreaterThan(10_000_000L);
            assertThat(run("sh", "-c", "JAVA_OPTS=-XX:+PrintSharedArchiveAndExit /usr/bin/aami-agent --help").ok().output())
                    .as("the installed launcher maps it, with the classes of the training's TLS enrollment")
                    .contains(": io.aami.agent.enrollment.Enroller ", ": sun.security.ssl.ClientHello ");
            FileTime recorded = Files.getLastModifiedTime(ARCHIVE);

            Packages.Result again = run(install).ok();
            assertThat(again.output()).contains("nothing changed");
            assertThat(Files.getLastModifiedTime(ARCHIVE)).as("the same jar: not trained again").isEqualTo(recorded);

            run("bash", dist("install-agent.sh").toString(), "--uninstall", "--purge").ok();
            assertThat(ARCHIVE).doesNotExist();
        } finally {
            host.restore();
        }
    }
}
