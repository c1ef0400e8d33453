package io.aami.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without root the scan reports what it can: the scanner ({@link ScanDiagnostic}, the discovery classes only, copied where
 * any user can read them) runs as {@code nobody} in a child JVM, where other users' {@code /proc/<pid>/fd} answer EACCES.
 * It must finish, count those processes, say it is partial, and still list this JVM's (root's) listener, without a process.
 */
class DiscoveryPartialViewTest {
    @TempDir
    Path dir;

    @Test
    void scanAsAnotherUserReportsPartialVisibilityInsteadOfFailing() throws Exception {
        boolean required = System.getenv("AAMI_REQUIRE_TOOLS") != null;
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean setpriv = Files.isExecutable(Path.of("/usr/bin/setpriv"));
        if (!required) {
            Assumptions.assumeTrue(root && setpriv, "needs root and setpriv (util-linux) to run the scan as nobody");
        }
        Path classes = Path.of(ScanDiagnostic.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = Path.of("io", "aami", "agent", "discovery");
        Path copy = Files.createDirectories(dir.resolve("classes").resolve(pkg));
        try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        try (ServerSocket mine = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            Process p = new ProcessBuilder(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                    "-XX:-UsePerfData", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", dir.resolve("classes").toString(),
                    ScanDiagnostic.class.getName(), "--scans", "1", "--warmup", "0", "--print")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains(" partial=1 ");
            assertThat(field(out, "processes_unreadable")).isPositive();
            assertThat(field(out, "sockets_unowned")).isPositive();
            int port = mine.getLocalPort();
            assertThat(out).contains("planet_server_process [127.0.0.1:" + port + ", " + port + ", , tcp] 1");
        }
    }

    private static int field(String out, String name) {
        int at = out.indexOf(" " + name + "=") + name.length() + 2;
        int end = out.indexOf(' ', at);
        return Integer.parseInt(out.substring(at, end));
    }
}
