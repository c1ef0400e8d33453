package io.aami.agent.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code aami-run} itself, as the root agent starts it: what a run gets from it, the arguments it refuses
 * before anything of the run starts, and when the agent trusts a helper file at all.
 */
class RunHelperTest {
    /** Under target/ (root's, 0755 up to /), unlike a @TempDir under the sticky, world-writable /tmp. */
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Fixtures.isRoot(), "aami-run is started by the root agent");
        dir = Files.createDirectories(Path.of("target/run-helper-test", UUID.randomUUID().toString()).toAbsolutePath());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aRunGetsItsSessionCgroupHardLimitsUserGroupsAndExactlyItsEnvironment() throws Exception {
        Path procs = Files.createFile(dir.resolve("cgroup.procs"));
        Result r = run(List.of("--cgroup", procs.toString(), "--cpu", "7", "--as", "1073741824", "--nofile", "99",
                "--nproc", "50", "--uid", "65534", "--gid", "65534", "--groups", "65534,100",
                "--env", "A=1", "--env", "B=x=y", "--", "/bin/sh", "-c",
                "echo pid=$$; cut -d' ' -f6 /proc/self/stat; id -u; id -g; id -G; env | grep -v '^PWD=' | sort;"
                        + " grep -E '^Max (cpu time|address space|open files|processes) ' /proc/self/limits"));

        assertThat(r.exit).as(r.out).isZero();
        String[] lines = r.out.split("\n");
        String pid = lines[0].substring("pid=".length());
        // /proc/self/stat's sixth field here is cut's session: the same as the shell's, led by the shell.
        assertThat(lines[1]).as("session id").isEqualTo(pid);
        assertThat(List.of(lines).subList(2, 7)).containsExactly("65534", "65534", "65534 100", "A=1", "B=x=y");
        assertThat(r.out).containsPattern("Max cpu time +7 +7 ").containsPattern("Max address space +1073741824 +1073741824 ")
                .containsPattern("Max open files +99 +99 ").containsPattern("Max processes +50 +50 ");
        assertThat(Files.readString(procs).strip()).isEqualTo(pid);
    }

    @Test
    void withoutAUserTheRunKeepsTheCallersIdentity() throws Exception {
        Result r = run(List.of("--cpu", "5", "--", "/bin/sh", "-c", "id -u"));
        assertThat(r.exit).isZero();
        assertThat(r.out.strip()).isEqualTo("0");
    }

    @Test
    void noSignalIsIgnoredOrBlockedNotEvenTheCLibrarysOwn() throws Exception {
        // The JVM's posix_spawn leaves glibc's reserved signals 32 and 33 ignored in what it starts.
        Result r = run(List.of("--uid", "65534", "--gid", "65534", "--groups", "65534", "--", "/bin/grep", "-E",
                "^Sig(Ign|Blk):", "/proc/self/status"));
        assertThat(r.exit).as(r.out).isZero();
        assertThat(r.out).contains("SigIgn:\t0000000000000000").contains("SigBlk:\t0000000000000000");
    }

    @Test
    void noCapabilityIsLeftNotEvenAnInheritableOne() throws Exception {
        Path setpriv = SystemTools.find("setpriv", SystemTools.SYSTEM_DIRS);
        assumeTrue(setpriv != null, "setpriv gives the helper an inheritable capability");
        // An inheritable capability survives the switch to a user and comes back at the exec of any file
        // that grants it (setcap cap_net_raw+ei); and under no_setuid_fixup nothing is dropped by the switch.
        for (String setup : List.of("--inh-caps=+net_raw,+sys_admin", "--securebits=+no_setuid_fixup")) {
            List<String> command = new ArrayList<>(List.of(setpriv.toString(), setup, RunHelpers.built().toString(),
                    "--uid", "65534", "--gid", "65534", "--groups", "65534", "--", "/bin/grep", "-E",
                    "^Cap(Inh|Prm|Eff|Amb):", "/proc/self/status"));
            Result r = exec(command);
            assertThat(r.exit).as(setup + ": " + r.out).isZero();
            assertThat(r.out.strip().split("\n")).as(setup).hasSize(4)
                    .allSatisfy(line -> assertThat(line).endsWith("\t0000000000000000"));
        }
    }

    @Test
    void aUserWhoseGroupIsZeroRunsAsWithSetpriv() throws Exception {
        Result r = run(List.of("--uid", "65534", "--gid", "0", "--groups", "0", "--", "/bin/sh", "-c", "id -u; id -g"));
        assertThat(r.exit).as(r.out).isZero();
        assertThat(r.out.split("\n")).containsExactly("65534", "0");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "--uid 0 --gid 0", "--uid 65534", "--gid 65534", "--groups 1", "--bogus 1", "--cpu -1", "--cpu 1x",
            "--cpu 99999999999999999999999", "--cpu 5 --cpu 6", "--uid 65534 --gid 65534 --groups 1,,2",
            "--uid 65534 --gid 65534 --groups a", "--env =x", "--env NOEQUALS", "--cgroup relative/cgroup.procs",
            "--cgroup /proc/nonexistent/cgroup.procs", "--as", "--uid 4294967295 --gid 1",
            "--cgroup /a --cgroup /a --cgroup /a --cgroup /a --cgroup /a --cgroup /a --cgroup /a --cgroup /a --cgroup /a"})
    void badArgumentsFailBeforeTheProgramRuns(String arguments) throws Exception {
        Path marker = dir.resolve("ran");
        List<String> args = new ArrayList<>(List.of(arguments.split(" ")));
        args.addAll(List.of("--", "/usr/bin/touch", marker.toString()));

        Result r = run(args);

        assertThat(r.exit).as(r.out).isEqualTo(125);
        assertThat(r.out).startsWith("aami-run: ");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aRelativeOrMissingProgramIsRefusedLikeEnvWould() throws Exception {
        assertThat(run(List.of("--", "touch", dir.resolve("x").toString())).exit).isEqualTo(125);
        assertThat(run(List.of("--")).exit).isEqualTo(125);
        assertThat(run(List.of("--", "/nonexistent/program")).exit).isEqualTo(127);
        Path notExecutable = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        assertThat(run(List.of("--", notExecutable.toString())).exit).isEqualTo(126);
    }

    @Test
    void theAgentTrustsAHelperOnlyWhereOthersCannotReplaceIt() throws Exception {
        Path helper = copyOfTheHelper(dir);
        assertThat(RunHelper.find(helper, 0)).isNotNull();

        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertThatThrownBy(() -> RunHelper.find(helper, 0)).hasMessageContaining("not root's alone");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> RunHelper.find(helper, 0)).hasMessageContaining(dir + " is not root's alone");
        // Sticky, as /tmp: others may create files there, never replace root's.
        Files.setAttribute(dir, "unix:mode", 01777);
        assertThat(RunHelper.find(helper, 0)).isNotNull();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        Files.setAttribute(helper, "unix:uid", 65534);
        assertThatThrownBy(() -> RunHelper.find(helper, 0)).hasMessageContaining("owner uid 65534");
        // A non-root agent may run a helper of its own user's.
        assertThat(RunHelper.find(helper, 65534)).isNotNull();
        Files.setAttribute(helper, "unix:uid", 0);

        Path link = Files.createSymbolicLink(dir.resolve("link"), helper);
        assertThatThrownBy(() -> RunHelper.find(link, 0)).hasMessageContaining("not a regular file");
    }

    @Test
    void aNamedHelperMustExistAndSpeakThisVersion() throws Exception {
        assertThatThrownBy(() -> RunHelper.find(dir.resolve("missing"), 0)).hasMessageContaining("does not exist");
        Path other = Files.writeString(dir.resolve("aami-run"), "#!/bin/sh\necho aami-run 2\n");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> RunHelper.find(other, 0)).hasMessageContaining("answered 'aami-run 2'");
        assertThat(RunHelper.find(null, 0)).isNull();
    }

    @Test
    void theDefaultHelperNotInstalledMeansTheChain() {
        assumeFalse(Files.exists(RunHelper.DEFAULT_PATH), RunHelper.DEFAULT_PATH + " is installed on this host");
        assertThat(RunHelper.find(RunHelper.DEFAULT_PATH, 0)).isNull();
    }

    private static Path copyOfTheHelper(Path into) throws Exception {
        Path copy = into.resolve("aami-run");
        Files.copy(RunHelpers.built(), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        return copy;
    }

    private record Result(int exit, String out) {
    }

    /** The helper as the agent starts it: its fixed environment, stdin closed, output and errors together. */
    private static Result run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(RunHelpers.built().toString()));
        command.addAll(args);
        return exec(command);
    }

    private static Result exec(List<String> command) throws Exception {
        Process p = SystemTools.startHelper(command);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
