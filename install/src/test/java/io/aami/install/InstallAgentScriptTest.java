package io.aami.install;

import static io.aami.install.AgentInstaller.mode;
import static io.aami.install.AgentInstaller.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.aami.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install-agent.sh} as an operator runs it, against a real TLS config-server and into a {@code --root} tree:
 * every prerequisite is checked before anything is written, a second run changes nothing, the id is kept, and
 * {@code --uninstall} keeps the identity unless {@code --purge}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstallAgentScriptTest {
    private static final String TOKEN = "aami_tst123.S3cretTokenValue-0123456789abcdef";

    private TestServer server;
    private String pin;
    private String otherCa;

    @TempDir
    Path dir;
    private Path root;
    private Path tokenFile;
    private AgentInstaller installer;

    @BeforeAll
    void startServer() throws Exception {
        server = TestServer.start(Map.of("AAMI_TLS", "on"));
        pin = AgentInstaller.pin(server);
        try (TestServer other = TestServer.start(Map.of("AAMI_TLS", "on"))) {
            otherCa = Files.readString(other.caCertificate());
        }
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @BeforeEach
    void files() throws Exception {
        root = dir.resolve("root");
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        installer = new AgentInstaller(dir.resolve("install.out"));
    }

    private List<String> args(String... extra) {
        List<String> a = new ArrayList<>(List.of("--root", root.toString(), "--server", "127.0.0.1:" + server.port(),
                "--token-file", tokenFile.toString(), "--run-as", "nobody", "--jar", JavaProcess.jar("aami.agent.jar").toString()));
        if (Stream.of(extra).noneMatch(s -> s.equals("--ca-file") || s.equals("--ca-pin"))) {
            a.addAll(List.of("--ca-pin", pin));
        }
        a.addAll(Arrays.asList(extra));
        return a;
    }

    private AgentInstaller.Run install(String... extra) throws Exception {
        return installer.run(args(extra), Map.of(), null);
    }

    private String agentId() throws Exception {
        return Files.readString(root.resolve("etc/aami/agent-id"));
    }

    @Test
    void aSecondRunChangesNothingAndKeepsTheId() throws Exception {
        AgentInstaller.Run first = install("--label", "env=prod", "--label", "team=a \"b\"").succeeded();
        String id = agentId();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n");
        assertThat(first.output()).contains(id.strip()).doesNotContain(TOKEN);
        Map<String, String> installed = snapshot(root);

        AgentInstaller.Run second = install("--label", "env=prod", "--label", "team=a \"b\"").succeeded();
        assertThat(second.output()).contains("nothing changed");
        assertThat(snapshot(root)).as("byte for byte, modes and times").isEqualTo(installed);
        assertThat(agentId()).isEqualTo(id);

        assertThat(mode(root.resolve("etc/aami/bootstrap-token"))).as("root (the agent) only").isEqualTo("rw-------");
        assertThat(Files.readString(root.resolve("etc/aami/bootstrap-token"))).isEqualTo(TOKEN + "\n");
        assertThat(mode(root.resolve("var/lib/aami"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("etc/aami/agent-id"))).isEqualTo("rw-r--r--");
        assertThat(mode(root.resolve("etc/aami/agent.yaml"))).as("it may hold api.token").isEqualTo("rw-------");
        assertThat(Files.readString(root.resolve("etc/aami/agent.yaml"))).contains("ca_cert_sha256: \"" + pin + "\"")
                .contains("\"env\": \"prod\"").contains("\"team\": \"a \\\"b\\\"\"").doesNotContain(TOKEN);
        assertThat(Files.readString(root.resolve("etc/systemd/system/aami-agent.service")))
                .contains("ExecStart=/usr/bin/aami-agent --config /etc/aami/agent.yaml").contains("Restart=always");
        assertThat(mode(root.resolve("usr/bin/aami-agent"))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/aami-agent.service")))
                .isEqualTo(Path.of("/etc/systemd/system/aami-agent.service"));
        assertThat(Files.mismatch(root.resolve("opt/aami/aami-agent.jar"), JavaProcess.jar("aami.agent.jar"))).isEqualTo(-1L);
        try (Stream<Path> left = Files.list(root.resolve("etc"))) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no staging left behind").containsOnly("aami", "systemd");
        }

        install("--label", "env=test").succeeded();
        assertThat(agentId()).as("another run with other options keeps the id").isEqualTo(id);
        assertThat(Files.readString(root.resolve("etc/aami/agent.yaml"))).contains("\"env\": \"test\"").doesNotContain("team");
    }

    /**
     * An agent.yaml an earlier installer wrote 0644 (and an operator may have added api.token to) is made root's only by
     * the next run, though its bytes are the same.
     */
    @Test
    void aRerunMakesAReadableAgentYamlRootOnly() throws Exception {
        install().succeeded();
        Path yaml = root.resolve("etc/aami/agent.yaml");
        String written = Files.readString(yaml);
        Files.setPosixFilePermissions(yaml, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        AgentInstaller.Run again = install().succeeded();
        assertThat(again.output()).doesNotContain("nothing changed");
        assertThat(mode(yaml)).isEqualTo("rw-------");
        assertThat(Files.readString(yaml)).isEqualTo(written);
    }

    @Test
    void agentIdIsWrittenWhenAbsentAndADifferentOneIsRefused() throws Exception {
        String given = UUID.randomUUID().toString();
        install("--agent-id", given.toUpperCase()).succeeded();
        assertThat(agentId()).isEqualTo(given + "\n");
        install("--agent-id", given).succeeded();
        Map<String, String> installed = snapshot(root);

        installer.run(args("--agent-id", UUID.randomUUID().toString()), Map.of(), null).failedWith("already has agent id " + given);
        installer.run(args("--agent-id", "not-a-uuid"), Map.of(), null).failedWith("--agent-id must be a UUID");
        assertThat(snapshot(root)).isEqualTo(installed);
    }

    @Test
    void anIdWrittenBeforehandIsKept() throws Exception {
        String cloudInit = UUID.randomUUID() + "\n";
        Files.createDirectories(root.resolve("etc/aami"));
        Files.writeString(root.resolve("etc/aami/agent-id"), cloudInit);
        install().succeeded();
        assertThat(agentId()).isEqualTo(cloudInit);
    }

    @Test
    void uninstallKeepsTheIdentityAndPurgeRemovesIt() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "host\n");
        install("--ca-file", server.caCertificate().toString()).succeeded();
        assertThat(mode(root.resolve("etc/aami/ca.crt"))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(root.resolve("etc/aami/agent.yaml"))).contains("ca_cert: \"/etc/aami/ca.crt\"");
        String id = agentId();
        Files.writeString(root.resolve("var/lib/aami/credentials.json"), "{}");

        installer.run("--uninstall", "--root", root.toString()).succeeded();
        assertThat(snapshot(root).keySet()).containsExactlyInAnyOrder("", "etc", "etc/hostname", "etc/aami", "etc/aami/agent-id",
                "etc/systemd", "etc/systemd/system", "opt", "usr", "usr/bin", "var", "var/lib", "var/lib/aami", "var/lib/aami/credentials.json");
        install().succeeded();
        assertThat(agentId()).as("a reinstall is the same agent").isEqualTo(id);

        installer.run("--uninstall", "--purge", "--root", root.toString()).succeeded();
        assertThat(snapshot(root).keySet()).containsExactlyInAnyOrder("", "etc", "etc/hostname", "etc/systemd", "etc/systemd/system",
                "opt", "usr", "usr/bin", "var", "var/lib");
        install().succeeded();
        assertThat(agentId()).as("after a purge the host is a new agent").isNotEqualTo(id);
    }

    /**
     * aami-run beside the script (the check-run helper, where a C compiler built it) goes to /usr/libexec/aami/aami-run,
     * root's alone (0755) as the agent requires before it runs it as root; a run of the script without it (to change an
     * option) keeps it, {@code --uninstall} removes it, and one that does not run here is refused before anything is
     * written.
     */
    @Test
    void aamiRunBesideTheScriptIsInstalledKeptAndUninstalled() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Path script = Files.copy(AgentInstaller.script(), dist.resolve("install-agent.sh"));
        Path helper = fakeRunHelper(dist, "echo 'aami-run 1'");
        AgentInstaller beside = new AgentInstaller(dir.resolve("beside.out"), script);
        beside.run(args(), Map.of(), null).succeeded();
        Path installed = root.resolve("usr/libexec/aami/aami-run");
        assertThat(Files.mismatch(installed, helper)).isEqualTo(-1L);
        assertThat(mode(installed)).isEqualTo("rwxr-xr-x");
        assertThat(mode(installed.getParent())).isEqualTo("rwxr-xr-x");
        Map<String, String> first = snapshot(root);
        assertThat(beside.run(args(), Map.of(), null).succeeded().output()).contains("nothing changed");
        assertThat(snapshot(root)).isEqualTo(first);

        install("--label", "env=prod").succeeded();
        assertThat(Files.mismatch(installed, helper)).as("kept by a run without it").isEqualTo(-1L);

        fakeRunHelper(dist, "echo 'aami-run 2'");
        beside.run(args("--label", "env=prod"), Map.of(), null).succeeded();
        assertThat(Files.mismatch(installed, helper)).as("a newer one replaces it").isEqualTo(-1L);

        Map<String, String> before = snapshot(root);
        fakeRunHelper(dist, "echo 'cannot execute binary file: Exec format error' >&2; exit 126");
        beside.run(args("--label", "env=new"), Map.of(), null).failedWith(helper + " does not run here as aami-run");
        assertThat(snapshot(root)).isEqualTo(before);

        fakeRunHelper(dist, "echo 'aami-run 2'");
        beside.run("--uninstall", "--root", root.toString()).succeeded();
        assertThat(installed.getParent()).doesNotExist();
    }

    /** With the aami-agent package installed, its aami-run is used and left alone, as its jar, launcher and unit are. */
    @Test
    void withThePackageInstalledAamiRunBesideTheScriptIsNotInstalled() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Path script = Files.copy(AgentInstaller.script(), dist.resolve("install-agent.sh"));
        fakeRunHelper(dist, "echo 'aami-run 2'");
        Path packaged = Files.createDirectories(root.resolve("usr/libexec/aami")).resolve("aami-run");
        Files.writeString(packaged, "#!/bin/sh\necho 'aami-run 1'\n");
        Files.createDirectories(root.resolve("lib/systemd/system"));
        Files.copy(SystemdUnitsTest.dist("aami-agent.service"), root.resolve("lib/systemd/system/aami-agent.service"));
        Files.createDirectories(root.resolve("opt/aami"));
        Files.copy(JavaProcess.jar("aami.agent.jar"), root.resolve("opt/aami/aami-agent.jar"));
        Map<String, String> before = snapshot(root);
        List<String> withoutJar = args().stream().filter(a -> !a.equals("--jar") && !a.equals(JavaProcess.jar("aami.agent.jar").toString())).toList();
        new AgentInstaller(dir.resolve("packaged.out"), script).run(withoutJar, Map.of(), null).succeeded();
        assertThat(snapshot(root)).as("the package's aami-run untouched").containsEntry("usr/libexec/aami/aami-run",
                before.get("usr/libexec/aami/aami-run"));
    }

    /** An executable aami-run in {@code dist} that runs {@code body} (sh). */
    private static Path fakeRunHelper(Path dist, String body) throws Exception {
        Path helper = Files.writeString(dist.resolve("aami-run"), "#!/bin/sh\n" + body + "\n");
        // installed 0755 whatever mode it has here
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        return helper;
    }

    @Test
    void everyFailedPrerequisiteLeavesTheTreeUntouched() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "host\n");
        assertRefusedUntouched();
        install("--label", "env=prod").succeeded();
        assertRefusedUntouched();
    }

    private void assertRefusedUntouched() throws Exception {
        Map<String, String> before = snapshot(root);
        Path oldJava = dir.resolve("old-java");
        Files.createDirectories(oldJava.resolve("bin"));
        Path fakeJava = Files.writeString(oldJava.resolve("bin/java"), "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path notJar = Files.writeString(dir.resolve("not.jar"), "not really a jar");
        Path otherCaFile = Files.writeString(dir.resolve("other-ca.crt"), otherCa);
        int closed = Waits.freePort();
        String wrongPin = "sha256:" + "ab".repeat(32);
        String p = "127.0.0.1:" + server.port();

        installer.run(args("--label", "env=new"), Map.of("JAVA_HOME", oldJava.toString()), null).failedWith("Java 17 or later is needed");
        installer.run(swap(args("--label", "env=new"), pin, wrongPin), Map.of(), null).failedWith("refused: the server at " + p + " has CA pin " + pin);
        installer.run(swap(args(), p, "127.0.0.1:" + closed), Map.of(), null).failedWith("cannot reach the config-server");
        installer.run(args("--ca-file", otherCaFile.toString()), Map.of(), null).failedWith("not reachable with the given CA");
        installer.run(args("--jar", notJar.toString()), Map.of(), null).failedWith("is not a jar file");
        installer.run(args("--jar", dir.resolve("missing.jar").toString()), Map.of(), null).failedWith("not found");
        installer.run(args("--label", "bad key=x"), Map.of(), null).failedWith("--label must be key=value");
        installer.run(args("--group-id", "nope"), Map.of(), null).failedWith("--group-id must be a UUID");
        installer.run(swap(args(), tokenFile.toString(), dir.resolve("missing-token").toString()), Map.of(), null)
                .failedWith("is not a readable file");
        assertThat(snapshot(root)).isEqualTo(before);
    }

    @Test
    void aFailureWhileMovingIntoPlacePutsBackWhatWasThere() throws Exception {
        // The unit's path taken by a directory: everything before it is moved into place, then the unit fails.
        Files.createDirectories(root.resolve("etc/systemd/system/aami-agent.service"));
        Map<String, String> empty = snapshot(root);
        install().failedWith("restoring the previous state");
        assertThat(snapshot(root)).as("new files and directories removed").isEqualTo(empty);

        Files.delete(root.resolve("etc/systemd/system/aami-agent.service"));
        install("--label", "env=prod").succeeded();
        Files.delete(root.resolve("etc/systemd/system/aami-agent.service"));
        Files.createDirectories(root.resolve("etc/systemd/system/aami-agent.service"));
        Map<String, String> installed = snapshot(root);
        install("--label", "env=new", "--ca-file", server.caCertificate().toString()).failedWith("restoring the previous state");
        assertThat(snapshot(root)).as("replaced files put back as they were").isEqualTo(installed);
        assertThat(Files.readString(root.resolve("etc/aami/agent.yaml"))).contains("\"env\": \"prod\"");
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        assumeThat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "systemd-analyze"))))
                .as("systemd-analyze installed").isTrue();
        install().succeeded();
        // A copy naming the installed launcher by its path here: verify insists that ExecStart's binary exists.
        Path launcher = root.resolve("usr/bin/aami-agent");
        Path unit = Files.createDirectories(dir.resolve("verify")).resolve("aami-agent.service");
        Files.writeString(unit, Files.readString(root.resolve("etc/systemd/system/aami-agent.service"))
                .replace("ExecStart=/usr/bin/aami-agent ", "ExecStart=" + launcher + " "));
        Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).as("no warnings").doesNotContain("aami-agent.service");
    }

    @Test
    void aHostInstallNeedsRootAndSystemdBeforeItWritesAnything() throws Exception {
        assumeThat(Path.of("/run/systemd/system")).as("a host without systemd running").doesNotExist();
        List<Path> hostPaths = List.of(Path.of("/etc/aami"), Path.of("/opt/aami"), Path.of("/var/lib/aami"),
                Path.of("/etc/systemd/system/aami-agent.service"));
        assumeThat(hostPaths.stream().noneMatch(Files::exists)).as("no aami on this host").isTrue();
        List<String> hostArgs = args().subList(2, args().size());

        installer.run(hostArgs, Map.of(), null).failedWith("systemd is not running");
        // As a user other than root (nobody), with a copy of the script it can read.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = Files.copy(AgentInstaller.script(), dir.resolve("install-agent.sh"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> asNobody = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", copy.toString()));
        asNobody.addAll(hostArgs);
        asNobody.add("--no-start");
        Process p = new ProcessBuilder(asNobody).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isEqualTo(1);
        assertThat(out).contains("run as root");
        assertThat(hostPaths.stream().noneMatch(Files::exists)).isTrue();
    }

    private static List<String> swap(List<String> args, String from, String to) {
        return args.stream().map(a -> a.equals(from) ? to : a).toList();
    }
}
