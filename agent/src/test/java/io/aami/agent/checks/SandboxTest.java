package io.aami.agent.checks;

import static io.aami.agent.checks.Fixtures.groupMembers;
import static io.aami.agent.checks.Fixtures.readPid;
import static io.aami.agent.checks.Fixtures.running;
import static io.aami.agent.checks.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aami.contract.policy.CheckSpec;
import io.aami.server.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox for real: these tests need root, as the agent in production, and use the existing user 'nobody'. */
@ExtendWith(NobodysProcesses.class)
class SandboxTest {
    private static final Pattern LEADER = Pattern.compile("leader=(\\d+)");

    @TempDir
    Path stateDir;
    private ScriptExecutor executor;

    @BeforeEach
    void setUp() {
        assumeTrue(Fixtures.isRoot(), "the sandbox tests need root, as the agent runs in production");
        executor = builder().build();
    }

    @Test
    void scriptsRunAsTheUnprivilegedUserWithoutRootsGroups() throws Exception {
        CheckExecution e = executor.execute(spec("sh", "id -u; id -g; id -G"));
        assertThat(e.output()).isEqualTo("65534\n65534\n65534\n");
    }

    @Test
    void resourceLimitsAreApplied() throws Exception {
        // Without cgroups: the per-user process limit is the only one there is.
        ScriptExecutor rlimit = builder().containment("rlimit").build();
        CheckSpec spec = spec(UUID.randomUUID(), "bash", "ulimit -n; ulimit -u; ulimit -v; ulimit -t", List.of(),
                Map.of(), 60, 5);
        CheckExecution e = rlimit.execute(spec);
        // 256 files, 64 processes, 1 GiB in KiB, CPU seconds = timeout + 1.
        assertThat(e.output()).isEqualTo("256\n64\n1048576\n6\n");
    }

    @Test
    void filesAreReadableButNotWritableByTheRunAsUserAndItsWorkDirIsItsOwn() throws Exception {
        CheckSpec spec = spec("sh", "touch mine && echo wrote; echo x >> \"$0\" || echo cannot-modify");
        CheckExecution e = executor.execute(spec);

        assertThat(e.output()).contains("wrote\n", "cannot-modify\n");
        Path script = stateDir.resolve("scripts").resolve(spec.scriptSha256() + ".sh");
        assertThat(script).hasContent(spec.script());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rw-r-----");
        assertThat(Files.getAttribute(script, "unix:gid")).isEqualTo(65534);
        Path workDir = stateDir.resolve("work").resolve(spec.checkId().toString());
        assertThat(Files.getAttribute(workDir, "unix:uid")).isEqualTo(65534);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workDir))).isEqualTo("rwx------");
        // The state dir (JUnit made it 0700) is entered through the run-as group, not opened to every local user.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir))).isEqualTo("rwx--x---");
        assertThat(Files.getAttribute(stateDir, "unix:gid")).isEqualTo(65534);
    }

    @Test
    void aForkBombIsContainedAndNothingOfItSurvives() throws Exception {
        CheckSpec bomb = spec(UUID.randomUUID(), "bash", "echo leader=$$; f(){ f | f & }; f; sleep 30", List.of(),
                Map.of(), 60, 2);

        CheckExecution e = executor.execute(bomb);

        Matcher leader = LEADER.matcher(e.output());
        assertThat(leader.find()).as("output: %s", e.output()).isTrue();
        long pgid = Long.parseLong(leader.group(1));
        assertThat(groupMembers(pgid, false)).isEmpty();
        assertThat(e.output()).as("the bomb ran into the process limit").contains("Resource temporarily unavailable");
        assertThat(e.status()).isNotEqualTo("ok");
        // Killed children are zombies until init reaps them, and they still count against nobody's 64 processes.
        Eventually.within(Duration.ofSeconds(20), () -> {
            try {
                return groupMembers(pgid, true).isEmpty();
            } catch (java.io.IOException ex) {
                return false;
            }
        });
        assertThat(executor.execute(spec("sh", "echo still fine")).output()).isEqualTo("still fine\n");
    }

    @Test
    void aMemoryHogHitsTheAddressSpaceLimit() throws Exception {
        assumeTrue(SystemTools.find("python3", SystemTools.SYSTEM_DIRS) != null, "python3 is not installed");
        CheckExecution e = executor.execute(spec("python3",
                "b = bytearray(2 * 1024 ** 3)\nprint('allocated', len(b))\n"));
        assertThat(e.output()).contains("MemoryError").doesNotContain("allocated");
        assertThat(e.status()).isNotEqualTo("ok");
    }

    @Test
    void withoutSetsidTheTreeIsStillKilledAtTheTimeout() throws Exception {
        Sandbox sandbox = new Sandbox(RunAsUser.resolve("nobody", SystemTools.detect().id()), ScriptLimits.DEFAULTS,
                SystemTools.detect().withoutSetsid());
        ScriptExecutor plain = builder().sandbox(sandbox).build();
        CheckSpec spec = spec(UUID.randomUUID(), "sh", "sleep 300 & echo $! > bg.pid; sleep 300", List.of(),
                Map.of(), 60, 1);

        CheckExecution e = plain.execute(spec);

        assertThat(e.timedOut()).isTrue();
        long background = readPid(stateDir.resolve("work").resolve(spec.checkId().toString()).resolve("bg.pid"));
        // SIGKILL is delivered asynchronously: on a loaded machine the killed process may still be scheduled a moment later.
        Eventually.eventually(Duration.ofSeconds(5), "the background child killed with its tree", () -> !running(background));
    }

    @Test
    void aMissingRunAsUserIsAClearStartupError() {
        assertThatThrownBy(() -> Sandbox.create("aami-no-such-user", ScriptLimits.DEFAULTS, "auto", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("run_as user 'aami-no-such-user' does not exist");
    }

    @Test
    void rootAndMalformedNamesAreRefusedAsRunAsUser() {
        assertThatThrownBy(() -> Sandbox.create("root", ScriptLimits.DEFAULTS, "auto", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("uid 0");
        assertThatThrownBy(() -> Sandbox.create("-rf", ScriptLimits.DEFAULTS, "auto", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run_as");
    }

    @Test
    void aStateDirWithSomeoneElsesGroupIsNotTakenOverButAClearStartupError() throws Exception {
        // Its parent, the test's state dir, was made enterable by setUp.
        Path foreign = Files.createDirectory(stateDir.resolve("foreign"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(foreign, "unix:gid", 1);
        Sandbox sandbox = Sandbox.create("nobody", ScriptLimits.DEFAULTS, "auto", null);
        assertThatThrownBy(() -> ScriptExecutorBuilder.in(foreign).sandbox(sandbox).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("group (1)");
        assertThat(Files.getAttribute(foreign, "unix:gid")).isEqualTo(1);
    }

    @Test
    void aStateDirBehindAnUnenterableDirectoryIsAClearStartupError() throws Exception {
        Path locked = Files.createDirectory(stateDir.resolve("locked"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Sandbox sandbox = Sandbox.create("nobody", ScriptLimits.DEFAULTS, "auto", null);
        assertThatThrownBy(() -> ScriptExecutorBuilder.in(locked.resolve("state")).sandbox(sandbox).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot enter " + locked.toAbsolutePath());
    }

    /** The executor's builder: the util-linux chain here, {@code aami-run} in the subclass that runs these tests again. */
    ScriptExecutorBuilder builder() {
        return ScriptExecutorBuilder.in(stateDir);
    }
}
