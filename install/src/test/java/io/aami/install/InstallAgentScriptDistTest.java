package io.aami.install;

import static io.aami.install.AgentInstaller.mode;
import static io.aami.install.AgentInstaller.snapshot;
import static io.aami.install.SystemdUnitsTest.dist;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install-agent.sh} carries the unit and the launcher inside it (script and jar are all a host needs), and
 * what it installs is byte for byte the shipped {@code aami-agent.service} and {@code aami-agent}: one unit, not
 * two. A JAVA_HOME the launcher would not find on systemd's PATH goes into the launcher's defaults file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstallAgentScriptDistTest {
    private TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    void startServer() throws Exception {
        server = TestServer.start(Map.of("AAMI_TLS", "on"));
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    private AgentInstaller.Run install(Path root, Map<String, String> env) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "aami_tst123.S3cretTokenValue-0123456789abcdef\n");
        return new AgentInstaller(dir.resolve("install.out")).run(List.of("--root", root.toString(), "--server",
                "127.0.0.1:" + server.port(), "--token-file", token.toString(), "--ca-pin", AgentInstaller.pin(server),
                "--run-as", "nobody", "--jar", JavaProcess.jar("aami.agent.jar").toString()), env, null);
    }

    @Test
    void installsTheShippedUnitAndLauncherByteForByte() throws Exception {
        Path root = dir.resolve("root");
        install(root, Map.of()).succeeded();
        assertThat(Files.mismatch(root.resolve("etc/systemd/system/aami-agent.service"), dist("aami-agent.service")))
                .as("the installed unit is aami-agent.service").isEqualTo(-1L);
        assertThat(Files.mismatch(root.resolve("usr/bin/aami-agent"), dist("aami-agent"))).as("the installed launcher is aami-agent")
                .isEqualTo(-1L);
        assertThat(mode(root.resolve("usr/bin/aami-agent"))).isEqualTo("rwxr-xr-x");
        assertThat(Files.mismatch(root.resolve("opt/aami/aami-agent.jar"), JavaProcess.jar("aami.agent.jar"))).isEqualTo(-1L);
        assertThat(root.resolve("etc/aami")).as("ReadWritePaths=/etc/aami must exist").isDirectory();
        assertThat(root.resolve("etc/default")).as("java on PATH: no defaults file").doesNotExist();
        assertThat(root.resolve("etc/sysconfig")).doesNotExist();
    }

    @Test
    void aJavaHomeOffSystemdsPathGoesIntoTheDefaultsFileTheLauncherReads() throws Exception {
        Path jdk = wrapperJdk();
        Path root = dir.resolve("rhel");
        Files.createDirectories(root.resolve("etc/default"));
        Files.createDirectories(root.resolve("etc/sysconfig"));
        install(root, Map.of("JAVA_HOME", jdk.toString())).succeeded();
        Path defaults = root.resolve("etc/sysconfig/aami-agent");
        assertThat(Files.readString(defaults)).endsWith("\nJAVA_HOME='" + jdk.toString().replace("'", "'\\''") + "'\n");
        assertThat(mode(defaults)).isEqualTo("rw-r--r--");
        assertThat(root.resolve("etc/default/aami-agent")).as("RHEL family: /etc/sysconfig").doesNotExist();
        Map<String, String> installed = snapshot(root);
        assertThat(install(root, Map.of("JAVA_HOME", jdk.toString())).succeeded().output()).contains("nothing changed");
        assertThat(snapshot(root)).as("byte for byte, modes and times").isEqualTo(installed);

        // The installed launcher, reading that file and nothing from the environment but PATH, runs that Java.
        Path jar = root.resolve("opt/aami/aami-agent.jar");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("usr/bin/aami-agent").toString(), "--config", "/etc/aami/agent.yaml")
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "AAMI_DEFAULTS_FILE", defaults.toString(), "AAMI_JAR", jar.toString(),
                "AAMI_CDS_ARCHIVE", ""));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("ran -Xms8m -Xmx64m -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
                + " -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError"
                + " -Dsun.net.httpserver.nodelay=true -XX:TrimNativeHeapInterval=5000 -jar " + jar
                + " --config /etc/aami/agent.yaml\n");
    }

    @Test
    void anExistingDefaultsFileKeepsItsOtherLinesAndModeAndPurgeRemovesIt() throws Exception {
        Path jdk = wrapperJdk();
        Path root = dir.resolve("debian");
        Files.createDirectories(root.resolve("etc/sysconfig"));
        Path defaults = Files.writeString(Files.createDirectories(root.resolve("etc/default")).resolve("aami-agent"),
                "JAVA_OPTS=\"-Xmx256m\"\nexport JAVA_HOME=/old\n#JAVA_HOME=/commented\nJAVA_HOME=/older");
        Files.setPosixFilePermissions(defaults, PosixFilePermissions.fromString("rw-------"));
        install(root, Map.of("JAVA_HOME", jdk.toString())).succeeded();
        assertThat(Files.readString(defaults)).as("the file the launcher reads first, edited in place").isEqualTo(
                "JAVA_OPTS=\"-Xmx256m\"\nJAVA_HOME='" + jdk.toString().replace("'", "'\\''") + "'\n#JAVA_HOME=/commented\n");
        assertThat(mode(defaults)).isEqualTo("rw-------");
        assertThat(root.resolve("etc/sysconfig/aami-agent")).doesNotExist();

        new AgentInstaller(dir.resolve("uninstall.out")).run("--uninstall", "--root", root.toString()).succeeded();
        assertThat(defaults).as("kept, like a package's conffile").exists();
        assertThat(root.resolve("usr/bin/aami-agent")).doesNotExist();
        new AgentInstaller(dir.resolve("uninstall.out")).run("--uninstall", "--purge", "--root", root.toString()).succeeded();
        assertThat(defaults).doesNotExist();
    }

    @Test
    void withThePackageInstalledItUsesThePackagesJarLauncherAndUnitAndWritesNoneOfThem() throws Exception {
        Path root = dir.resolve("rpm");
        packaged(root, "usr/lib/systemd/system/aami-agent.service", dist("aami-agent.service"));
        packaged(root, "opt/aami/aami-agent.jar", JavaProcess.jar("aami.agent.jar"));
        packaged(root, "usr/bin/aami-agent", dist("aami-agent"));
        Map<String, String> packageFiles = snapshot(root);
        Path token = Files.writeString(dir.resolve("token"), "aami_tst123.S3cretTokenValue-0123456789abcdef\n");
        List<String> args = List.of("--root", root.toString(), "--server", "127.0.0.1:" + server.port(), "--token-file",
                token.toString(), "--ca-pin", AgentInstaller.pin(server), "--run-as", "nobody");
        AgentInstaller installer = new AgentInstaller(dir.resolve("packaged.out"));
        installer.run(Stream.concat(args.stream(), Stream.of("--jar", JavaProcess.jar("aami.agent.jar").toString())).toList(), Map.of(), null)
                .failedWith("the aami-agent package is installed (/usr/lib/systemd/system/aami-agent.service) and provides the jar");
        assertThat(snapshot(root)).isEqualTo(packageFiles);

        installer.run(args, Map.of(), null).succeeded();
        Map<String, String> installed = snapshot(root);
        packageFiles.forEach((path, description) -> assertThat(installed).as("the package's files untouched").containsEntry(path, description));
        assertThat(root.resolve("etc/systemd/system/aami-agent.service")).doesNotExist();
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/aami-agent.service")))
                .as("the package's unit enabled").isEqualTo(Path.of("/usr/lib/systemd/system/aami-agent.service"));
        assertThat(Files.readString(root.resolve("etc/aami/agent.yaml"))).contains("address: \"127.0.0.1:" + server.port() + "\"");
        assertThat(root.resolve("etc/aami/bootstrap-token")).exists();

        installer.run(List.of("--uninstall", "--root", root.toString()), Map.of(), null).failedWith("remove it with the package manager");
        assertThat(snapshot(root)).isEqualTo(installed);
    }

    private static void packaged(Path root, String path, Path source) throws Exception {
        Path target = root.resolve(path);
        Files.createDirectories(target.getParent());
        Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** A JDK outside systemd's PATH, in a directory whose name needs quoting: its java answers -version as this JVM. */
    private Path wrapperJdk() throws Exception {
        Path jdk = dir.resolve("jdk 17's");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a; do last=$a; done\nif [ \"$last\" = -version ]; then exec '%s' \"$@\"; fi\necho \"ran $*\"\n"
                .formatted(Path.of(System.getProperty("java.home"), "bin/java")));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }
}
